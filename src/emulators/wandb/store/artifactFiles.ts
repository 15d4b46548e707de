import {
  artifactFileBlobKey,
  type ArtifactRecord,
  type ManifestRecord,
} from './artifactRecords.js';
import { base64ToHex, type BlobStore } from './blobs.js';
import { replaceAll, type IdSequence } from './ids.js';
import { artifactDigest, parseManifest } from './manifest.js';
import { UserInputError } from './runs.js';

export interface ArtifactFileSpecInput {
  artifactID: string;
  artifactManifestID?: string | null;
  name: string;
  md5: string;
  mimetype?: string | null;
  uploadPartsInput?: unknown[] | null;
}

export interface CreatedFile {
  id: string;
  name: string;
  storagePath: string;
  /** Path part of the signed upload URL; null when the bytes are already stored. */
  uploadPath: string | null;
  uploadHeaders: string[];
  birthArtifactId: string;
}

/** Manifests and file bytes of artifact versions, and the checks made before a commit. */
export class ArtifactFiles {
  readonly manifests = new Map<string, ManifestRecord>();
  /** `<entity>:<hex md5>` → id of the version whose upload first stored those bytes. */
  private readonly births = new Map<string, string>();

  constructor(
    private readonly ids: IdSequence,
    private readonly blobs: BlobStore,
  ) {}

  /** createArtifactManifest: one manifest per (artifact, name); a second call updates it. */
  upsertManifest(
    artifact: ArtifactRecord,
    input: { name: string; digest: string; type: string; baseArtifactID?: string | null },
  ): ManifestRecord {
    let manifest = [...this.manifests.values()].find(
      (m) => m.artifact === artifact && m.name === input.name,
    );
    if (!manifest) {
      const { id, n } = this.ids.take('ArtifactManifest');
      manifest = {
        id,
        fileId: this.ids.take('File').id,
        artifact,
        name: input.name,
        type: input.type,
        digest: input.digest,
        blobKey: `manifest/${n}`,
        baseArtifactId: input.baseArtifactID ?? null,
      };
      this.manifests.set(id, manifest);
    }
    manifest.digest = input.digest;
    manifest.type = input.type;
    if (input.baseArtifactID !== undefined) manifest.baseArtifactId = input.baseArtifactID;
    if (input.type === 'FULL') artifact.manifest = manifest;
    return manifest;
  }

  manifestUploadPath(manifest: ManifestRecord): string {
    return this.blobs.uploadPath({
      key: manifest.blobKey,
      ...(manifest.digest ? { expectedMd5: manifest.digest } : {}),
    });
  }

  createFile(artifact: ArtifactRecord, spec: ArtifactFileSpecInput): CreatedFile {
    if (spec.uploadPartsInput && spec.uploadPartsInput.length > 0) {
      throw new UserInputError(
        'multipart artifact uploads (files of 2 GiB or more) are not emulated',
      );
    }
    const entity = artifact.sequence.project.entity.name;
    const hex = base64ToHex(spec.md5);
    if (hex.length !== 32)
      throw new UserInputError(`file "${spec.name}": md5 must be a base64 MD5`);
    const birthKey = `${entity}:${hex}`;
    const blobKey = artifactFileBlobKey(spec.md5);
    const stored = this.births.get(birthKey);
    const existing = artifact.fileSpecs.get(spec.name);
    const file = {
      id: existing?.id ?? this.ids.take('File').id,
      name: spec.name,
      md5: spec.md5,
      mimetype: spec.mimetype ?? null,
      storagePath: `wandb_artifacts/${entity}/${hex}`,
      birthArtifactId: stored ?? artifact.id,
    };
    artifact.fileSpecs.set(spec.name, file);
    const uploadPath =
      stored && this.blobs.has(blobKey)
        ? null
        : this.blobs.uploadPath({
            key: blobKey,
            expectedMd5: spec.md5,
            onStored: () => {
              if (!this.births.has(birthKey)) this.births.set(birthKey, artifact.id);
            },
          });
    return {
      id: file.id,
      name: spec.name,
      storagePath: file.storagePath,
      uploadPath,
      uploadHeaders: uploadPath ? [`Content-MD5:${spec.md5}`] : [],
      birthArtifactId: file.birthArtifactId,
    };
  }

  /** Reads the uploaded manifest and checks it against the digest and the stored bytes. */
  verifyForCommit(artifact: ArtifactRecord): void {
    const manifest = artifact.manifest;
    if (!manifest) {
      throw new UserInputError(
        `artifact ${artifact.id} has no manifest; call createArtifactManifest and upload it before commitArtifact`,
      );
    }
    const bytes = this.blobs.get(manifest.blobKey);
    if (!bytes) {
      throw new UserInputError(
        `the manifest of artifact ${artifact.id} was not uploaded; PUT it to the uploadUrl from createArtifactManifest`,
      );
    }
    const entries = parseManifest(bytes);
    const digest = artifactDigest(entries);
    if (artifact.digestAlgorithm === 'MANIFEST_MD5' && digest !== artifact.digest) {
      throw new UserInputError(
        `artifact digest mismatch: createArtifact sent ${artifact.digest} but the manifest's entries give ${digest}`,
      );
    }
    for (const entry of entries) {
      if (entry.ref === null && !this.blobs.has(artifactFileBlobKey(entry.digest))) {
        throw new UserInputError(
          `file "${entry.path}" of artifact ${artifact.id} was not uploaded`,
        );
      }
    }
    artifact.entries = entries;
    artifact.size = entries.reduce((sum, e) => sum + e.size, 0);
  }

  snapshot() {
    return { manifests: this.manifests, births: this.births };
  }

  restore(s: ReturnType<ArtifactFiles['snapshot']>): void {
    replaceAll(this.manifests, s.manifests);
    replaceAll(this.births, s.births);
  }
}

import { replaceAll, type IdSequence } from './ids.js';
import type { RunRecord } from './runs.js';

export interface EntityRecord {
  id: string;
  name: string;
}

export interface ProjectRecord {
  id: string;
  n: number;
  name: string;
  entity: EntityRecord;
  createdAt: Date;
  runs: Map<string, RunRecord>;
}

/** W&B's naming rules for projects; the SDK checks them too, but our own client may not. */
export function checkProjectName(name: string): string | undefined {
  if (name.length === 0 || name.length > 128) return 'project names must be 1 to 128 characters';
  if (/[/\\#?%:]/.test(name)) return 'project names must not contain / \\ # ? % :';
  return undefined;
}

/** Entities and projects, both created on demand (the SDK never creates them explicitly). */
export class ProjectStore {
  private readonly entities = new Map<string, EntityRecord>();
  private readonly projects = new Map<string, ProjectRecord>();

  constructor(private readonly ids: IdSequence) {}

  entity(name: string): EntityRecord {
    let found = this.entities.get(name);
    if (!found) {
      found = { id: this.ids.take('Entity').id, name };
      this.entities.set(name, found);
    }
    return found;
  }

  find(entity: string, project: string): ProjectRecord | undefined {
    return this.projects.get(`${entity}/${project}`);
  }

  ensure(entity: string, project: string): ProjectRecord {
    const key = `${entity}/${project}`;
    let found = this.projects.get(key);
    if (!found) {
      const { id, n } = this.ids.take('Project');
      found = {
        id,
        n,
        name: project,
        entity: this.entity(entity),
        createdAt: new Date(),
        runs: new Map(),
      };
      this.projects.set(key, found);
    }
    return found;
  }

  list(entity: string): ProjectRecord[] {
    return this.all().filter((p) => p.entity.name === entity);
  }

  all(): ProjectRecord[] {
    return [...this.projects.values()];
  }

  snapshot() {
    return { entities: this.entities, projects: this.projects };
  }

  restore(s: ReturnType<ProjectStore['snapshot']>): void {
    replaceAll(this.entities, s.entities);
    replaceAll(this.projects, s.projects);
  }
}

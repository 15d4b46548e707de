"""Conformance proof for the W&B emulator: the official `wandb` client, unchanged, against it.

Run by scripts/conformance.ts, which starts the emulator and sets WANDB_BASE_URL, WANDB_API_KEY,
WANDB_ENTITY, WANDB_DIR (a temp dir) and friends. It writes runs, history, summary and artifacts
the way our OpenAI sync does, reads everything back through `wandb.Api()`, and prints one
PASS/FAIL line per check. Exit status 0 only when every check passed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any, Callable

import wandb

ENTITY = os.environ["WANDB_ENTITY"]
PROJECT = os.environ.get("CONFORMANCE_PROJECT", "conformance")
WRITER_RUN = "ftjob-conformance1"
READER_RUN = "conformance-reader"
FILE_ID = "file-conformance1"
DATASET = f"train-{FILE_ID}"
MODEL_ARTIFACT = "model-metadata"

TRAINING_JSONL = (
    b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'
    b'{"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}\n'
)
TABLE_COLUMNS = ["role: system", "role: user", "role: assistant"]
TABLE_ROWS = [["", "hi", "hello"], ["", "2+2?", "4"]]
METRICS = [  # (step, train_loss, train_accuracy): OpenAI result CSVs start at step 1
    (1, 1.25, 0.5),
    (2, 0.75, 0.625),
    (3, 0.5, 0.75),
]
CONFIG = {
    "id": WRITER_RUN,
    "model": "gpt-4o-mini-2024-07-18",
    "hyperparameters": {"n_epochs": 3, "batch_size": 1, "learning_rate_multiplier": 2.0},
    "result_files": "file-results1",
}
MODEL_METADATA = {"id": WRITER_RUN, "fine_tuned_model": "ft:gpt-4o-mini:org::abc123"}

failures: list[str] = []
passes = 0


def check(name: str, condition: bool, detail: Any = "") -> bool:
    global passes
    if condition:
        passes += 1
        print(f"PASS {name}", flush=True)
    else:
        failures.append(name)
        print(f"FAIL {name}{': ' + str(detail) if detail != '' else ''}", flush=True)
    return condition


def attempt(name: str, action: Callable[[], Any]) -> Any:
    """Runs a step; an exception is a failed check (with its traceback), not a crash."""
    try:
        result = action()
        check(name, True)
        return result
    except Exception as exc:  # noqa: BLE001 - every failure is reported, then we go on
        check(name, False, f"{type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stdout)
        return None


def settings() -> wandb.Settings:
    # Nothing that probes the machine or the network beyond WANDB_BASE_URL.
    return wandb.Settings(
        silent=True,
        console="off",
        disable_git=True,
        save_code=False,
        x_disable_stats=True,
        x_save_requirements=False,
        init_timeout=60,
    )


def md5_b64(data: bytes) -> str:
    import base64

    return base64.b64encode(hashlib.md5(data).digest()).decode()


def write_run(workdir: Path) -> bool:
    run = wandb.init(
        entity=ENTITY,
        project=PROJECT,
        id=WRITER_RUN,
        name=WRITER_RUN,
        job_type="fine-tune",
        config=CONFIG,
        tags=["conformance", "openai"],
        notes="written by tools/wandb-conformance",
        settings=settings(),
    )
    for step, loss, acc in METRICS:
        run.log({"train_loss": loss, "train_accuracy": acc}, step=step)

    table = wandb.Table(columns=TABLE_COLUMNS, data=TABLE_ROWS)
    dataset = wandb.Artifact(DATASET, type="training_files", metadata={"items": len(TABLE_ROWS)})
    raw = workdir / FILE_ID
    raw.write_bytes(TRAINING_JSONL)
    dataset.add_file(str(raw), name=FILE_ID)
    dataset.add(table, FILE_ID)
    run.use_artifact(dataset, aliases=["latest", FILE_ID])
    run.log({"train_data": table}, step=METRICS[-1][0])
    run.config.update({"n_train": len(TABLE_ROWS)})

    model = wandb.Artifact(MODEL_ARTIFACT, type="model", metadata=MODEL_METADATA)
    with model.new_file("model_metadata.json", mode="w") as f:
        json.dump(MODEL_METADATA, f, indent=2)
    run.log_artifact(model, aliases=["latest", WRITER_RUN])

    run.summary["fine_tuned_model"] = MODEL_METADATA["fine_tuned_model"]
    run.summary["status"] = "succeeded"
    run.finish()
    return True


def read_run(workdir: Path) -> None:
    """A second run uses the dataset by alias, adds an alias, and logs identical/changed models."""
    run = wandb.init(entity=ENTITY, project=PROJECT, id=READER_RUN, job_type="eval", settings=settings())
    used = run.use_artifact(f"{ENTITY}/{PROJECT}/{DATASET}:{FILE_ID}")
    used.aliases.append("conformance")
    used.save()

    # Identical content → the server dedupes to the existing version (no v1).
    same = wandb.Artifact(MODEL_ARTIFACT, type="model", metadata=MODEL_METADATA)
    with same.new_file("model_metadata.json", mode="w") as f:
        json.dump(MODEL_METADATA, f, indent=2)
    run.log_artifact(same).wait()

    # Changed content → v1, and `latest` moves to it.
    changed = wandb.Artifact(MODEL_ARTIFACT, type="model", metadata={**MODEL_METADATA, "rev": 2})
    with changed.new_file("model_metadata.json", mode="w") as f:
        json.dump({**MODEL_METADATA, "rev": 2}, f, indent=2)
    run.log_artifact(changed, aliases=["latest", "candidate"]).wait()
    run.finish()


def verify(workdir: Path) -> None:
    api = wandb.Api(overrides={"entity": ENTITY, "project": PROJECT}, timeout=30)
    run = attempt("api.run finds the writer run", lambda: api.run(f"{ENTITY}/{PROJECT}/{WRITER_RUN}"))
    if run is None:
        return
    check("run.job_type", run.job_type == "fine-tune", run.job_type)
    check("run.name (display name)", run.name == WRITER_RUN, run.name)
    check("run.tags", sorted(run.tags) == ["conformance", "openai"], run.tags)
    check("run.state is finished", run.state == "finished", run.state)
    for key, value in CONFIG.items():
        check(f"config[{key!r}]", run.config.get(key) == value, run.config.get(key))
    check("config['n_train'] (updated after init)", run.config.get("n_train") == len(TABLE_ROWS), run.config.get("n_train"))
    summary = dict(run.summary)
    check("summary['status']", summary.get("status") == "succeeded", summary.get("status"))
    check(
        "summary['fine_tuned_model']",
        summary.get("fine_tuned_model") == MODEL_METADATA["fine_tuned_model"],
        summary.get("fine_tuned_model"),
    )
    check("summary['train_loss'] is the last value", summary.get("train_loss") == METRICS[-1][1], summary.get("train_loss"))
    check("summary['_step']", summary.get("_step") == METRICS[-1][0], summary.get("_step"))

    rows = attempt("run.scan_history", lambda: list(run.scan_history()))
    if rows is not None:
        steps = [(r.get("_step"), r.get("train_loss"), r.get("train_accuracy")) for r in rows]
        check("history rows keep explicit steps and values", steps == METRICS, steps)
        check("history rows carry _runtime and _timestamp", all("_runtime" in r and "_timestamp" in r for r in rows))
        table_ref = rows[-1].get("train_data") if rows else None
        check(
            "history holds the table reference",
            isinstance(table_ref, dict) and table_ref.get("_type") == "table-file",
            table_ref,
        )
    keys = attempt("run.history_keys", lambda: run.history_keys)
    if keys is not None:
        check("history_keys.lastStep", keys.get("lastStep") == METRICS[-1][0], keys.get("lastStep"))

    files = attempt("run.files", lambda: {f.name: f for f in run.files()})
    if files is not None:
        check("run files include wandb-metadata.json", "wandb-metadata.json" in files, sorted(files))
        check("run files include config.yaml", "config.yaml" in files, sorted(files))
        tables = [n for n in files if n.startswith("media/table/train_data_")]
        check("run files include the logged table", len(tables) == 1, sorted(files))
        if "wandb-summary.json" in files:
            path = files["wandb-summary.json"].download(root=str(workdir / "runfiles"), replace=True).name
            check("downloaded wandb-summary.json has status", json.loads(Path(path).read_text()).get("status") == "succeeded")

    logged = attempt("run.logged_artifacts", lambda: list(run.logged_artifacts()))
    if logged is not None:
        names = sorted(a.name for a in logged)
        check("logged artifacts include model-metadata:v0", f"{MODEL_ARTIFACT}:v0" in names, names)
        check("run_table artifact for the history table", any(a.type == "run_table" for a in logged), names)
    used_by_writer = attempt("run.used_artifacts", lambda: list(run.used_artifacts()))
    if used_by_writer is not None:
        check("writer used the dataset", [a.name for a in used_by_writer] == [f"{DATASET}:v0"], [a.name for a in used_by_writer])

    reader = attempt("api.run finds the reader run", lambda: api.run(f"{ENTITY}/{PROJECT}/{READER_RUN}"))
    if reader is not None:
        used = [a.name for a in reader.used_artifacts()]
        check("reader used the dataset", f"{DATASET}:v0" in used, used)

    art = attempt("api.artifact by alias", lambda: api.artifact(f"{ENTITY}/{PROJECT}/{DATASET}:{FILE_ID}"))
    if art is not None:
        check("artifact type", art.type == "training_files", art.type)
        check("artifact version", art.version == "v0", art.version)
        check("artifact metadata", art.metadata == {"items": len(TABLE_ROWS)}, art.metadata)
        check(
            "artifact aliases (latest, file id, added alias)",
            {"latest", FILE_ID, "conformance"} <= set(art.aliases),
            art.aliases,
        )
        names = sorted(f.name for f in art.files())
        check("artifact files", names == sorted([FILE_ID, f"{FILE_ID}.table.json"]), names)
        root = attempt("artifact.download", lambda: Path(art.download(root=str(workdir / "download"))))
        if root is not None:
            raw = (root / FILE_ID).read_bytes()
            check("downloaded raw file is byte-identical", raw == TRAINING_JSONL, md5_b64(raw))
            table = json.loads((root / f"{FILE_ID}.table.json").read_text())
            check("downloaded table columns", table.get("columns") == TABLE_COLUMNS, table.get("columns"))
            check("downloaded table rows", table.get("data") == TABLE_ROWS, table.get("data"))
        by_added_alias = attempt(
            "api.artifact by the added alias", lambda: api.artifact(f"{ENTITY}/{PROJECT}/{DATASET}:conformance")
        )
        if by_added_alias is not None:
            check("added alias points at the same version", by_added_alias.id == art.id, by_added_alias.id)
        table = attempt("artifact.get(table)", lambda: art.get(FILE_ID))
        if table is not None:
            check("artifact.get returns the table rows", [list(r) for r in table.data] == TABLE_ROWS, table.data)

    model_v0 = attempt("model-metadata:v0", lambda: api.artifact(f"{ENTITY}/{PROJECT}/{MODEL_ARTIFACT}:v0"))
    model_latest = attempt("model-metadata:latest", lambda: api.artifact(f"{ENTITY}/{PROJECT}/{MODEL_ARTIFACT}:latest"))
    if model_v0 is not None and model_latest is not None:
        check("identical content was deduplicated (v0 keeps the job alias)", WRITER_RUN in model_v0.aliases, model_v0.aliases)
        check("changed content became v1", model_latest.version == "v1", model_latest.version)
        check("latest moved to v1", "latest" not in model_v0.aliases, model_v0.aliases)
        check("user alias on v1", "candidate" in model_latest.aliases, model_latest.aliases)
        root = attempt("model artifact download", lambda: Path(model_v0.download(root=str(workdir / "model"))))
        if root is not None:
            meta = json.loads((root / "model_metadata.json").read_text())
            check("model_metadata.json round-trips", meta == MODEL_METADATA, meta)
        versions = attempt(
            "api.artifacts lists versions", lambda: [a.version for a in api.artifacts("model", f"{ENTITY}/{PROJECT}/{MODEL_ARTIFACT}")]
        )
        if versions is not None:
            check("exactly two model versions", sorted(versions) == ["v0", "v1"], versions)

    link_and_edit_aliases(api)

    runs = attempt("api.runs lists the project", lambda: [r.id for r in api.runs(f"{ENTITY}/{PROJECT}")])
    if runs is not None:
        check("both runs are listed", {WRITER_RUN, READER_RUN} <= set(runs), runs)


def link_and_edit_aliases(api: wandb.Api) -> None:
    """Linking into a portfolio (legacy model registry) and alias removal (DeleteAliases)."""
    source = attempt("fetch model-metadata:v0 to link", lambda: api.artifact(f"{ENTITY}/{PROJECT}/{MODEL_ARTIFACT}:v0"))
    if source is None:
        return
    target = f"{ENTITY}/model-registry/finetuned-models"
    attempt("artifact.link into a portfolio", lambda: source.link(target, aliases=["production"]))
    linked = attempt("api.artifact through the portfolio alias", lambda: api.artifact(f"{target}:production"))
    if linked is not None:
        check("portfolio version is v0", linked.version == "v0", linked.version)
        check("portfolio member has the source digest", linked.digest == source.digest, linked.digest)

    dataset = f"{ENTITY}/{PROJECT}/{DATASET}:v0"

    def add_then_remove() -> tuple[list[str], list[str]]:
        art = api.artifact(dataset)
        art.aliases.append("temporary")
        art.save()
        added = list(api.artifact(dataset).aliases)
        again = api.artifact(dataset)
        again.aliases.remove("temporary")
        again.save()
        return added, list(api.artifact(dataset).aliases)

    result = attempt("add and remove an alias through the public API", add_then_remove)
    if result is not None:
        added, removed = result
        check("alias present after save", "temporary" in added, added)
        check("alias gone after removal", "temporary" not in removed and "conformance" in removed, removed)


def rejects_bad_key() -> None:
    """A key the emulator does not know must not authenticate (checked in a fresh interpreter)."""
    code = (
        "import sys, wandb\n"
        "try:\n"
        "    wandb.Api(api_key='local-' + 'f' * 40, timeout=15).viewer\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
        "    sys.exit(3)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "WANDB_API_KEY"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    refused = proc.returncode == 3 and "invalid API key" in proc.stdout
    check("a wrong API key is refused with 401", refused, (proc.stdout + proc.stderr).strip()[-300:])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wandb-conformance-") as tmp:
        workdir = Path(tmp)
        print(f"wandb {wandb.__version__} against {os.environ.get('WANDB_BASE_URL')}", flush=True)
        if not attempt("write run (init, log, tables, artifacts, summary, finish)", lambda: write_run(workdir)):
            return finish()
        attempt("reader run (use_artifact, alias, dedupe, new version)", lambda: read_run(workdir))
        verify(workdir)
        rejects_bad_key()
    return finish()


def finish() -> int:
    print(f"{passes} passed, {len(failures)} failed", flush=True)
    if failures:
        print("failed checks: " + "; ".join(failures), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

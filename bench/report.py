"""Turns benchmark results (bench/run.py's JSON) into the tables of docs/PERFORMANCE.md.

Only the part of the page between the bench markers is generated, so the analysis written
around it survives a new run.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
STAGES = ("read", "normalize", "yaml_dump", "yaml_load", "formulas", "deck", "cheatsheet",
          "handouts")
STAGE_NAMES = {"read": "read notes", "normalize": "normalize", "yaml_dump": "YAML dump",
               "yaml_load": "YAML load + check", "formulas": "formulas (render all)",
               "deck": "deck (.apkg)", "cheatsheet": "cheat sheet", "handouts": "handouts"}
TO_YAML = ("read", "normalize", "yaml_dump", "yaml_load")
GB = 1024


def merge(results: list[dict]) -> dict:
    """Combine saved results; for each size and measurement the later file wins."""
    merged: dict[str, Any] = {"meta": {}, "sizes": {}}
    for result in results:
        merged["meta"] = {**merged["meta"], **result.get("meta", {})}
        if "seed_notes" in result and "skipped" not in result["seed_notes"]:
            merged["seed_notes"] = _merge_size(merged.get("seed_notes", {}),
                                               result["seed_notes"])
        elif "seed_notes" not in merged and "seed_notes" in result:
            merged["seed_notes"] = result["seed_notes"]
        for size, entry in result.get("sizes", {}).items():
            merged["sizes"][size] = _merge_size(merged["sizes"].get(size, {}), entry)
    return merged


def _merge_size(old: dict, new: dict) -> dict:
    out = {**old, **{k: v for k, v in new.items() if k not in ("stages", "e2e", "notes")}}
    out["notes"] = [*old.get("notes", []), *new.get("notes", [])]
    if "stages" in new:
        stages = dict(old.get("stages", {}))
        for key, value in new["stages"].items():
            if key == "runs":
                runs = {phase: dict(stages.get("runs", {}).get(phase, {}))
                        for phase in ("cold", "warm")}
                for phase, values in value.items():
                    runs[phase].update({k: v for k, v in values.items() if v})
                stages["runs"] = runs
            elif key == "facts":
                stages["facts"] = {**stages.get("facts", {}), **value}
            else:
                stages[key] = max(value, stages.get(key, 0)) if key.endswith("_mb") else value
        out["stages"] = stages
    if "e2e" in new:
        runs = dict(old.get("e2e", {}).get("runs", {}))
        runs.update({name: values for name, values in new["e2e"]["runs"].items() if values})
        out["e2e"] = {"runs": runs,
                      "notes": [*old.get("e2e", {}).get("notes", []), *new["e2e"]["notes"]]}
    return out


# -- numbers ------------------------------------------------------------------------------


def _median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def _e2e(entry: dict, name: str) -> float | None:
    runs = [r for r in entry.get("e2e", {}).get("runs", {}).get(name, [])
            if not r["timed_out"] and r["code"] in (0, 1)]
    return _median([r["seconds"] for r in runs])


def _e2e_outputs(entry: dict, name: str) -> str:
    runs = entry.get("e2e", {}).get("runs", {}).get(name, [])
    return runs[0].get("outputs", "all") if runs else ""


def _e2e_cpu(entry: dict, name: str) -> float | None:
    runs = [r for r in entry.get("e2e", {}).get("runs", {}).get(name, [])
            if not r["timed_out"] and r["code"] in (0, 1)]
    return _median([r["cpu_seconds"] for r in runs if "cpu_seconds" in r])


def _stopped(entry: dict, name: str) -> str:
    """Why a run of this kind was stopped ('' when none was)."""
    return next((r.get("stopped") or "stopped" for r in
                 entry.get("e2e", {}).get("runs", {}).get(name, []) if r["timed_out"]), "")


def _peak(entry: dict, key: str) -> float | None:
    values = [r[key] for runs in entry.get("e2e", {}).get("runs", {}).values() for r in runs]
    return max(values) if values else None


def _loads(results: dict) -> list[float]:
    entries = [*results.get("sizes", {}).values(), results.get("seed_notes", {})]
    return [r["load"] for e in entries for runs in e.get("e2e", {}).get("runs", {}).values()
            for r in runs if "load" in r]


def _stage(entry: dict, phase: str, stage: str) -> float | None:
    return _median(entry.get("stages", {}).get("runs", {}).get(phase, {}).get(stage))


def _s(value: float | None, missing: str = "–") -> str:
    if value is None:
        return missing
    if value < 10:
        return f"{value:.2f}"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _pct(part: float | None, whole: float | None) -> str:
    if part is None or not whole:
        return "–"
    return f"{100 * part / whole:.0f}%"


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _bytes(value: int) -> str:
    return f"{value / 1e6:.1f} MB" if value >= 1e6 else f"{value / 1e3:.0f} kB"


def _n(size: str) -> str:
    return f"{int(size):,}"


# -- sections -----------------------------------------------------------------------------


def render(results: dict) -> str:
    """The generated part of the page."""
    meta = results.get("meta", {})
    sizes = sorted(results.get("sizes", {}), key=int)
    entries = {size: results["sizes"][size] for size in sizes}
    out = [
        "## Measurements",
        "",
        f"Measured {meta.get('date', '?')} at commit `{meta.get('commit', '?')}` with Python "
        f"{meta.get('python', '?')} on {meta.get('cpus', '?')} CPUs ({meta.get('machine', '?')}"
        f"). Every number is the median of {meta.get('repeat', '?')} runs (measurements that "
        f"make PDFs of generated corpora: {meta.get('pdf_repeat', '?')} run"
        f"{'s' if meta.get('pdf_repeat') != 1 else ''}); seconds unless marked. Corpora come "
        f"from `bench/generate.py` with seed {meta.get('seed', 0)}. Regenerate with "
        "`make bench`.",
        "",
    ]
    loads = _loads(results)
    if loads:
        out[-1:] = [f"The machine was shared: the one-minute load average when a build started "
                    f"was {min(loads):.1f} to {max(loads):.1f} (median "
                    f"{statistics.median(loads):.1f}), so wall times carry noise; CPU times "
                    "are steadier.", ""]
    out += _targets(results, entries)
    out += _corpora(entries)
    out += _stages(entries)
    out += _end_to_end(results, entries)
    out += _scaling(entries)
    out += _where(entries)
    out += _floor(entries)
    out += _profiles(entries)
    notes = [f"- N = {_n(size)}: {note}" for size, entry in entries.items()
             for note in [*entry.get("notes", []), *entry.get("e2e", {}).get("notes", [])]]
    seed = results.get("seed_notes", {})
    if "skipped" in seed:
        notes.insert(0, f"- seed notes: skipped ({seed['skipped']})")
    notes += [f"- seed notes: {note}" for note in seed.get("e2e", {}).get("notes", [])]
    skipped = [_n(size) for size, entry in entries.items() if not entry.get("pdf", True)]
    if skipped:
        notes.append(f"- no cheat sheet or handouts were made for N = {', '.join(skipped)} "
                     f"(over `--skip-pdf-above {meta.get('skip_pdf_above')}`) unless a "
                     "separate run supplied them; end-to-end runs there build yaml and anki "
                     "only.")
    if notes:
        out += ["### Notes on this run", "", *notes, ""]
    return "\n".join(out)


def _targets(results: dict, entries: dict) -> list[str]:
    seed = results.get("seed_notes", {})
    rows = []

    def row(target: str, value: float | None, limit: float, shown: str | None = None,
            unit: str = "s", missing: str = "not measured") -> None:
        if value is None:
            rows.append(f"| {target} | {missing} | – |")
            return
        text = shown or f"{_s(value)} {unit}"
        rows.append(f"| {target} | {text} | {'yes' if value < limit else '**no**'} |")

    cold = _e2e(seed, "cold")
    noop = _e2e(seed, "noop")
    edit = _e2e(seed, "edit")
    row("seed notes, cold, all outputs: < 10 s", cold, 10)
    row("seed notes, no-op rebuild: < 0.5 s", noop, 0.5)
    row("seed notes, no-op rebuild: < 5% of cold", noop / cold if noop and cold else None,
        0.05, _pct(noop, cold))
    row("seed notes, one edited answer: < 25% of cold", edit / cold if edit and cold else None,
        0.25, _pct(edit, cold))
    big = entries.get("10000") or (entries[max(entries, key=int)] if entries else {})
    label = "10,000" if "10000" in entries else (_n(max(entries, key=int)) if entries else "?")
    row(f"{label} cards to notes.yaml (`--only yaml`, cold): < 5 s", _e2e(big, "yaml"), 5)
    row(f"{label} cards to .apkg, formulas cached (`--only anki`): < 10 s",
        _e2e(big, "apkg_cached"), 10)
    full = _e2e(big, "cold") if _e2e_outputs(big, "cold") == "all" else None
    row(f"{label} cards, full build with every handout: < 180 s", full, 180,
        missing=_stopped(big, "cold") or "not measured (PDFs skipped)")
    peak = _peak(big, "tree_mb")
    row(f"{label} cards, peak memory (all processes of a build): < 1.5 GB", peak, 1.5 * GB,
        f"{_mb(peak)} MB" if peak else None)
    return ["### Targets", "", "| target | measured | met |", "|---|---|---|", *rows, ""]


def _corpora(entries: dict) -> list[str]:
    lines = ["### Corpora", "",
             "| N | files (headings/bullets/outline/admonition/yaml) | cards | unanswered | "
             "repeated | inline / display formulas (distinct) | code | images | size |",
             "|---|---|---|---|---|---|---|---|---|"]
    for size, entry in entries.items():
        c = entry.get("corpus", {})
        files = c.get("files", {})
        split = "/".join(str(files.get(d, 0)) for d in
                         ("headings", "bullets", "outline", "admonition", "yaml"))
        cards = entry.get("stages", {}).get("facts", {}).get("cards", "?")
        lines.append(f"| {_n(size)} | {sum(files.values())} ({split}) | {cards} | "
                     f"{c.get('unanswered')} | {c.get('duplicates')} | "
                     f"{c.get('inline_formulas')} / {c.get('display_formulas')} "
                     f"({c.get('distinct_formulas')}) | {c.get('code_blocks')} | "
                     f"{c.get('images')} | {_bytes(c.get('bytes', 0))} |")
    return [*lines, ""]


def _stages(entries: dict) -> list[str]:
    head = "| stage | " + " | ".join(f"{_n(s)} cold | {_n(s)} warm" for s in entries) + " |"
    lines = ["### Stages, in process", "",
             "Each stage called directly (`bench/run.py` worker). Cold: new output folder, no "
             "lock, no formula cache. Warm: the same again with everything left in place. "
             "*Formulas* renders every formula of every card (cached ones are only read "
             "back); *deck* then runs with the formula cache filled; *handouts* is "
             "`pdf.write_all` with one process per CPU, as the build runs it.", "",
             head, "|---|" + "---|---|" * len(entries)]
    for stage in STAGES:
        cells = []
        for entry in entries.values():
            for phase in ("cold", "warm"):
                cells.append(_s(_stage(entry, phase, stage), "skipped"))
        lines.append(f"| {STAGE_NAMES[stage]} | " + " | ".join(cells) + " |")
    totals, per_card, memory = [], [], []
    for entry in entries.values():
        cards = entry.get("stages", {}).get("facts", {}).get("cards")
        for phase in ("cold", "warm"):
            values = [_stage(entry, phase, s) for s in STAGES]
            total = sum(v for v in values if v is not None)
            totals.append(_s(total) if any(values) else "–")
            core = [_stage(entry, phase, s) for s in STAGES[:6]]
            per_card.append(f"{1000 * sum(v for v in core if v) / cards:.2f}"
                            if cards and all(core) else "–")
        memory += [_mb(entry.get("stages", {}).get("maxrss_mb")),
                   _mb(entry.get("stages", {}).get("tree_mb"))]
    lines += ["| **total** | " + " | ".join(totals) + " |",
              "| ms per card, read to deck | " + " | ".join(per_card) + " |",
              "| peak RSS MB: worker / with pool | " + " | ".join(memory) + " |", ""]
    return lines


def _end_to_end(results: dict, entries: dict) -> list[str]:
    lines = ["### End to end (`build.py` in a child process)", "",
             "Wall time including interpreter start; CPU is user + system time of the build "
             "and its worker processes. *No-op*: the same build again, nothing "
             "changed. *Edit*: one word appended to one answer. *→ notes.yaml*: "
             "`--only yaml`, cold. *→ .apkg*: `--only anki`, first with an empty formula "
             "cache (and no rendered cards kept), then again with only the formulas cached. "
             "Memory: peak resident set of the largest single process (from `wait4`), and "
             "the peak of the whole process tree's proportional set sizes (memory shared by "
             "forked workers counted once; sampled every 0.1 s), over all runs.", "",
             "| notes | outputs | cold (CPU) | no-op | no-op / cold | edit | edit / cold | "
             "→ notes.yaml | → .apkg | → .apkg cached | peak MB: largest / tree |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = []
    if results.get("seed_notes", {}).get("e2e"):
        rows.append(("seed notes", results["seed_notes"]))
    rows += [(f"N = {_n(size)}", entry) for size, entry in entries.items()]
    for name, entry in rows:
        cold, noop, edit = (_e2e(entry, k) for k in ("cold", "noop", "edit"))
        cold_text = _s(cold, _stopped(entry, "cold") or "–")
        cpu = _e2e_cpu(entry, "cold")
        if cpu is not None and cold is not None:
            cold_text += f" ({_s(cpu)})"
        lines.append(
            f"| {name} | {_e2e_outputs(entry, 'cold') or '–'} | {cold_text} | {_s(noop)} | "
            f"{_pct(noop, cold)} | {_s(edit)} | {_pct(edit, cold)} | "
            f"{_s(_e2e(entry, 'yaml'))} | {_s(_e2e(entry, 'apkg_cold'))} | "
            f"{_s(_e2e(entry, 'apkg_cached'))} | {_mb(_peak(entry, 'maxrss_mb'))} / "
            f"{_mb(_peak(entry, 'tree_mb'))} |")
    return [*lines, ""]


def _scaling(entries: dict) -> list[str]:
    sizes = [s for s in entries if entries[s].get("stages")]
    if len(sizes) < 2:
        return []
    small, large = sizes[-2], sizes[-1]
    lines = ["### Scaling", "",
             f"Cold seconds per 1,000 cards at N = {_n(small)} and N = {_n(large)}; growth "
             "is the ratio of the two (1.0 = linear; above about 1.5 grows faster than the "
             "corpus).", "",
             f"| stage | per 1,000 cards at {_n(small)} | per 1,000 cards at {_n(large)} | "
             "growth |", "|---|---|---|---|"]
    for stage in STAGES:
        a, b = _stage(entries[small], "cold", stage), _stage(entries[large], "cold", stage)
        if a is None or b is None:
            continue
        per_a, per_b = 1000 * a / int(small), 1000 * b / int(large)
        growth = per_b / per_a if per_a else None
        mark = " **super-linear**" if growth and growth > 1.5 else ""
        lines.append(f"| {STAGE_NAMES[stage]} | {_s(per_a)} | {_s(per_b)} | "
                     f"{growth:.2f}{mark} |" if growth else f"| {STAGE_NAMES[stage]} | – | – "
                     "| – |")
    return [*lines, ""]


def _where(entries: dict) -> list[str]:
    lines = ["### Where the time goes (cold, in process)", ""]
    for size, entry in entries.items():
        values = {s: _stage(entry, "cold", s) for s in STAGES}
        total = sum(v for v in values.values() if v)
        if not total:
            continue
        top = sorted(((v, s) for s, v in values.items() if v), reverse=True)
        shares = ", ".join(f"{STAGE_NAMES[s]} {_pct(v, total)}" for v, s in top[:5])
        to_yaml = sum(values[s] or 0 for s in TO_YAML)
        lines.append(f"- N = {_n(size)} ({_s(total)} s): {shares}. Notes to notes.yaml: "
                     f"{_s(to_yaml)} s, of which YAML dump + load "
                     f"{_pct((values['yaml_dump'] or 0) + (values['yaml_load'] or 0), to_yaml)}"
                     ".")
    return [*lines, ""]


def _floor(entries: dict) -> list[str]:
    lines: list[str] = []
    for size, entry in entries.items():
        floor = entry.get("floor")
        if not floor or "error" in floor:
            continue
        topics = floor["topics"]
        pages = sum(t["pages"] for t in topics)
        seconds = sum(t["seconds"] for t in topics)
        fixed, per_page = _fit([t["pages"] for t in topics], [t["seconds"] for t in topics])
        everything = floor["all"]
        share = everything["seconds"] / (everything["seconds"] + seconds)
        lines += [f"### WeasyPrint floor (N = {_n(size)}, one process, one handout at a time)",
                  "",
                  f"- per-topic handouts: {pages} pages in {_s(seconds)} s = "
                  f"**{seconds / pages:.3f} s per page**; a straight-line fit over the "
                  f"{len(topics)} handouts gives {per_page:.3f} s per page plus "
                  f"{fixed:.2f} s per document.",
                  f"- `all.pdf`: {everything['pages']} pages in {_s(everything['seconds'])} s "
                  f"({everything['seconds'] / max(everything['pages'], 1):.3f} s per page): "
                  f"**{share:.0%} of all handout work**, and the longest single job.",
                  f"- cheat sheet: {floor['cheatsheet']['pages']} pages in "
                  f"{_s(floor['cheatsheet']['seconds'])} s.", "",
                  "| handout | cards | pages | seconds | s / page |", "|---|---|---|---|---|"]
        for t in sorted(topics, key=lambda t: -t["seconds"]):
            lines.append(f"| {t['slug']} | {t['cards']} | {t['pages']} | {_s(t['seconds'])} | "
                         f"{t['seconds'] / max(t['pages'], 1):.3f} |")
        lines.append(f"| all | {everything['cards']} | {everything['pages']} | "
                     f"{_s(everything['seconds'])} | "
                     f"{everything['seconds'] / max(everything['pages'], 1):.3f} |")
        lines.append("")
    return lines


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares intercept and slope."""
    if len(xs) < 2 or len(set(xs)) < 2:
        return 0.0, (sum(ys) / sum(xs) if sum(xs) else 0.0)
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / \
        sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope


def _profiles(entries: dict) -> list[str]:
    lines: list[str] = []
    apkg = {size: e["profile"]["apkg"] for size, e in entries.items()
            if "rows" in e.get("profile", {}).get("apkg", {})}
    for size, entry in entries.items():
        for kind, profile in entry.get("profile", {}).items():
            if "rows" not in profile:
                continue
            title = "notes to .apkg, formulas cached" if kind == "apkg" else \
                "every output, PDFs rendered one after another"
            phases = ", ".join(f"{name} {_s(seconds)}"
                               for name, seconds in profile["phases"].items())
            total = profile["total"]
            lines += [f"### Profile: N = {_n(size)}, {title}", "",
                      f"cProfile (which slows Python code down, roughly 1.5-2x). Phases: "
                      f"{phases} s.", "",
                      "| function (own time) | calls | own s | share |", "|---|---|---|---|"]
            for row in sorted(profile["rows"], key=lambda r: -r["tottime"])[:15]:
                lines.append(f"| `{row['function']}` | {row['calls']:,} | "
                             f"{_s(row['tottime'])} | {_pct(row['tottime'], total)} |")
            lines += ["", "| function (with callees) | calls | cumulative s | share |",
                      "|---|---|---|---|"]
            shown = 0
            for row in sorted(profile["rows"], key=lambda r: -r["cumtime"]):
                if row["cumtime"] > 0.98 * total or shown >= 15:
                    continue
                shown += 1
                lines.append(f"| `{row['function']}` | {row['calls']:,} | "
                             f"{_s(row['cumtime'])} | {_pct(row['cumtime'], total)} |")
            lines.append("")
    if len(apkg) >= 2:
        small, large = sorted(apkg, key=int)[-2:]
        ratio = int(large) / int(small)
        before = {r["function"] + str(r["line"]): r for r in apkg[small]["rows"]}
        growers = []
        for row in apkg[large]["rows"]:
            old = before.get(row["function"] + str(row["line"]))
            if old and old["tottime"] > 0 and row["tottime"] >= 0.2:
                growers.append((row["tottime"] / old["tottime"] / ratio, row, old))
        growers.sort(key=lambda g: -g[0])
        lines += [f"### Functions that grow faster than the corpus ({_n(small)} → {_n(large)} "
                  "cards, notes to .apkg)", "",
                  "Own time per card at the larger size divided by that at the smaller "
                  "(1.0 = linear).", "",
                  "| function | own s at small | own s at large | growth per card |",
                  "|---|---|---|---|"]
        for growth, row, old in growers[:10]:
            lines.append(f"| `{row['function']}` | {_s(old['tottime'])} | "
                         f"{_s(row['tottime'])} | {growth:.2f} |")
        lines.append("")
    return lines


# -- the page -----------------------------------------------------------------------------

HEADER = """# Performance

How long a build takes and where the time goes, measured with `bench/`: `bench/generate.py`
writes a synthetic corpus of N cards in every dialect and `bench/run.py` times each stage, and
`build.py` end to end, for N = 300, 1,000 and 10,000 (`make bench`).

"""


def write(results: dict, path: Path) -> None:
    """Replace the generated part of the page (or write the page) with these results."""
    generated = f"{BEGIN}\n{render(results)}\n{END}"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            text = head + generated + rest.split(END, 1)[1]
        else:
            text = text.rstrip("\n") + "\n\n" + generated + "\n"
    else:
        text = HEADER + generated + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

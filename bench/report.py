"""Turns benchmark results (bench/run.py's JSON) into the tables of docs/PERFORMANCE.md.

Only the part of the page between the bench markers is generated, so the analysis written
around it survives a new run.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
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


def _ok(entry: dict, name: str) -> list[dict]:
    """Runs of this kind that finished (exit 0, or 1 for notes with errors)."""
    return [r for r in entry.get("e2e", {}).get("runs", {}).get(name, [])
            if not r["timed_out"] and r["code"] in (0, 1)]


def _e2e(entry: dict, name: str) -> float | None:
    return _median([r["seconds"] for r in _ok(entry, name)])


def _ready(entry: dict) -> tuple[float | None, bool]:
    """Median seconds until an edit build printed `ready:` (deck and preview in place), and
    True; or, when no edit build printed one, the whole edit build's time and False."""
    runs = _ok(entry, "edit")
    readies = [r["ready"] for r in runs if r.get("ready") is not None]
    if readies:
        return statistics.median(readies), True
    return _median([r["seconds"] for r in runs]), False


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
    """The largest figure over every build (the print floor is not one)."""
    values = [r[key] for name, runs in entry.get("e2e", {}).get("runs", {}).items()
              if name != "floor" for r in runs]
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
    out += targets(results)
    out += _corpora(entries)
    out += _stages(entries)
    out += _end_to_end(results, entries)
    out += _scaling(entries)
    out += _where(entries)
    out += _seed_floor(results)
    out += _per_page(entries)
    out += _full(entries)
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
                     "only, except the full builds timed with --jobs.")
    if notes:
        out += ["### Notes on this run", "", *notes, ""]
    return "\n".join(out)


def targets(results: dict) -> list[str]:
    """The targets table: each target a ratio of two figures measured in the same run (or an
    absolute one where no floor applies)."""
    entries = {size: results["sizes"][size]
               for size in sorted(results.get("sizes", {}), key=int)}
    seed = results.get("seed_notes", {})
    rows = []

    def row(target: str, shown: str, ratio: str = "–", met: bool | None = None) -> None:
        verdict = "(no target)" if met is None else ("yes" if met else "**no**")
        rows.append(f"| {target} | {shown} | {ratio} | {verdict} |")

    cold, floor = _e2e(seed, "cold"), _e2e(seed, "floor")
    floors = _ok(seed, "floor")
    if cold and floor:
        pages, processes = floors[0].get("pages", "?"), floors[0].get("processes", "?")
        row("seed notes, cold, all outputs: ≤ 1.2 × print floor",
            f"build {_s(cold)} s, floor {_s(floor)} s ({pages} pages, {processes} processes)",
            f"{cold / floor:.2f} ×", cold / floor <= 1.2)
    else:
        row("seed notes, cold, all outputs: ≤ 1.2 × print floor", "not measured")
    noop = _e2e(seed, "noop")
    if noop is not None and cold:
        row("seed notes, no-op rebuild: < 0.5 s and ≤ 5% of cold", f"{_s(noop)} s",
            _pct(noop, cold), noop < 0.5 and noop <= 0.05 * cold)
    ready, printed = _ready(seed)
    edit = _e2e(seed, "edit")
    if ready is not None and cold:
        shown = f"{_s(ready)} s" if printed else \
            f"no `ready:` line: whole rebuild, {_s(ready)} s"
        row("seed notes, one edited answer: deck and preview ready ≤ 15% of cold and < 1 s",
            shown, _pct(ready, cold), ready <= 0.15 * cold and ready < 1)
    if edit is not None and cold:
        row("seed notes, one edited answer: whole rebuild ≤ 35% of cold", f"{_s(edit)} s",
            _pct(edit, cold), edit <= 0.35 * cold)
    big = "10000" if "10000" in entries else (max(entries, key=int) if entries else None)
    if big:
        entry, label = entries[big], _n(big)
        yaml, both = _e2e(entry, "yaml"), _e2e(entry, "apkg_cold")
        if yaml and both:
            row(f"{label} cards → notes.yaml + .apkg, cold: ≤ 2 × notes.yaml alone",
                f"{_s(both)} s vs {_s(yaml)} s", f"{both / yaml:.2f} ×", both <= 2 * yaml)
        if yaml:
            row(f"{label} cards → notes.yaml alone (reading the notes), cold: ≤ 7 s",
                f"{_s(yaml)} s", met=yaml <= 7)
    sheets = []
    for size, entry in entries.items():
        cost = per_page(entry.get("floor", {}))
        if cost is None:
            continue
        ratio = cost["handout"] / cost["plain"]
        timed = f"{cost['handouts']} of {cost['topic_count']} handouts" if cost["sampled"] \
            else f"all {cost['handouts']} handouts"
        row(f"{_n(size)} cards, handout pages: ≤ 1.6 × plain-text floor per page",
            f"{cost['handout']:.3f} vs {cost['plain']:.3f} CPU s / page ({timed})",
            f"{ratio:.2f} ×", ratio <= 1.6)
        sheets.append(f"{_n(size)}: {cost['sheet'] / cost['plain']:.2f} ×")
    if sheets:
        row("cheat sheet pages against the plain-text floor per page", ", ".join(sheets))
    full = _full_size(entries)
    if full:
        entry, label = entries[full], _n(full)
        builds = [f"{_s(r['seconds'])} s with {_jobs(name, r)}"
                  for name, r in _full_runs(entry)]
        row(f"{label} cards, full build, cold", ", ".join(builds) or "–")
        model = projection(entry)
        if model:
            row(f"{label} cards, full build projected on 8 / 16 cores",
                f"{_s(model.at(8))} s / {_s(model.at(16))} s")
    if big:
        peak = _peak(entries[big], "tree_mb")
        if peak:
            row(f"{_n(big)} cards, peak memory (whole process tree): < 1.5 GB",
                f"{_mb(peak)} MB", met=peak < 1.5 * GB)
    return ["### Targets", "",
            "Each target compares two figures measured in the same run, so that a slow hour "
            "of this shared machine moves both (see *How the targets are measured* below the "
            "tables).", "",
            "| target | measured | ratio | met |", "|---|---|---|---|", *rows, ""]


def _jobs(name: str, run: dict) -> str:
    return f"--jobs {run.get('jobs', '?')}" if name != "jobs" else \
        f"the default ({run.get('jobs', '?')} processes; no --jobs option)"


def _full_runs(entry: dict) -> list[tuple[str, dict]]:
    """The full builds with --jobs (or the one without): (run name, its record)."""
    return [(name, runs[0]) for name in ("jobs1", "jobs2", "jobs")
            if (runs := _ok(entry, name))]


def _full_size(entries: dict) -> str | None:
    """The largest size with a timed full build."""
    sizes = [size for size, entry in entries.items() if _full_runs(entry)]
    return max(sizes, key=int) if sizes else None


def per_page(floor: dict) -> dict | None:
    """CPU seconds per page of handouts, the cheat sheet and the plain-text floor."""
    if not floor.get("topics") or "plain" not in floor:
        return None
    pages = sum(t["pages"] for t in floor["topics"])
    plain = floor["plain"]
    plain_cpu = statistics.fmean(p["cpu_seconds"] for p in plain)
    sheet = floor["cheatsheet"]
    return {"handout": sum(t["cpu_seconds"] for t in floor["topics"]) / max(pages, 1),
            "sheet": sheet["cpu_seconds"] / max(sheet["pages"], 1),
            "plain": plain_cpu / max(plain[0]["pages"], 1), "handouts": len(floor["topics"]),
            "handout_pages": pages, "sheet_pages": sheet["pages"],
            "plain_pages": plain[0]["pages"], "sampled": floor.get("sampled", False),
            "topic_count": floor.get("topic_count", len(floor["topics"]))}


@dataclass(frozen=True)
class Projection:
    """A full build's wall time on c cores from its parts, all measured in the same run:
    T(c) = S + max((P + D) / c, L)."""

    serial: float  # S: start to notes.yaml, which nothing runs beside
    deck: float  # D: the deck and preview, written while the PDFs render
    work: float  # P: CPU seconds of every PDF, from pages and per-page costs
    longest: float  # L: the longest single PDF, which more cores do not shorten
    longest_name: str
    pages: int

    def at(self, cores: int) -> float:
        return self.serial + max((self.work + self.deck) / cores, self.longest)


def projection(entry: dict) -> Projection | None:
    """The full build's projection, or None when a part of it was not measured."""
    cost = per_page(entry.get("floor", {}))
    serial, both = _e2e(entry, "yaml"), _e2e(entry, "apkg_cold")
    pages = next((r.get("pages") for _, r in _full_runs(entry) if r.get("pages")), None)
    if cost is None or serial is None or both is None or not pages:
        return None
    jobs = [(f"handout {slug}", n * cost["handout"]) for slug, n in pages["handouts"].items()]
    jobs.append(("cheat sheet", pages["cheatsheet"] * cost["sheet"]))
    name, longest = max(jobs, key=lambda job: job[1])
    return Projection(serial, max(both - serial, 0.0), sum(s for _, s in jobs), longest, name,
                      sum(pages["handouts"].values()) + pages["cheatsheet"])


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
    if not any(entry.get("stages") for entry in entries.values()):
        return []
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
             "changed. *Edit*: one word appended to one answer, built without `-q`; *ready*: "
             "when it printed `ready:` (notes.yaml, deck and preview in place, PDFs still "
             "rendering), – when it printed none. *→ notes.yaml*: `--only yaml`, cold. "
             "*→ .apkg*: `--only yaml,anki`, first with an empty formula "
             "cache (and no rendered cards kept), then again with only the formulas cached. "
             "Memory: peak resident set of the largest single process (from `wait4`), and "
             "the peak of the whole process tree's proportional set sizes (memory shared by "
             "forked workers counted once; sampled every 0.1 s), over all builds, the full "
             "builds below included.", "",
             "| notes | outputs | cold (CPU) | no-op | no-op / cold | edit: ready | edit | "
             "edit / cold | → notes.yaml | → .apkg | → .apkg cached | peak MB: largest / tree |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = []
    if results.get("seed_notes", {}).get("e2e"):
        rows.append(("seed notes", results["seed_notes"]))
    rows += [(f"N = {_n(size)}", entry) for size, entry in entries.items()]
    for name, entry in rows:
        cold, noop, edit = (_e2e(entry, k) for k in ("cold", "noop", "edit"))
        ready, printed = _ready(entry)
        cold_text = _s(cold, _stopped(entry, "cold") or "–")
        cpu = _e2e_cpu(entry, "cold")
        if cpu is not None and cold is not None:
            cold_text += f" ({_s(cpu)})"
        lines.append(
            f"| {name} | {_e2e_outputs(entry, 'cold') or '–'} | {cold_text} | {_s(noop)} | "
            f"{_pct(noop, cold)} | {_s(ready if printed else None)} | {_s(edit)} | "
            f"{_pct(edit, cold)} | "
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
    if not any(entry.get("stages") for entry in entries.values()):
        return []
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


def _seed_floor(results: dict) -> list[str]:
    seed = results.get("seed_notes", {})
    pairs = list(zip(_ok(seed, "floor"), _ok(seed, "cold"), strict=False))
    if not pairs:
        return []
    first = pairs[0][0]
    files = ", ".join(f"{f['file']} {f['pages']} ({_s(f['seconds'])} s)"
                      for f in first.get("files", []))
    ratios = ", ".join(f"{cold['seconds'] / floor['seconds']:.2f}" for floor, cold in pairs)
    return ["### Print floor of the seed notes", "",
            f"`bench/floor.py`: each note file as plain Markdown printed by WeasyPrint, "
            f"{first.get('processes', '?')} files at a time (as many as the build's PDF "
            f"processes), each in a fresh forked process; run just before each cold build. "
            f"{first.get('pages', '?')} pages; pages (seconds) per file: {files}. Cold build "
            f"÷ floor, run by run: {ratios}.", ""]


def _per_page(entries: dict) -> list[str]:
    lines = ["### Print cost per page (CPU seconds, one process, one PDF at a time)", "",
             "| N | handouts timed | handout pages | handout s / page | cheat sheet pages | "
             "cheat sheet s / page | plain-text pages | plain s / page | handout ÷ plain | "
             "cheat sheet ÷ plain |", "|---|---|---|---|---|---|---|---|---|---|"]
    details = []
    for size, entry in entries.items():
        floor = entry.get("floor", {})
        cost = per_page(floor)
        if cost is None:
            continue
        timed = f"{cost['handouts']} of {cost['topic_count']}"
        lines.append(f"| {_n(size)} | {timed} | {cost['handout_pages']} | "
                     f"{cost['handout']:.3f} | {cost['sheet_pages']} | {cost['sheet']:.3f} | "
                     f"{cost['plain_pages']} | {cost['plain']:.3f} | "
                     f"{cost['handout'] / cost['plain']:.2f} | "
                     f"{cost['sheet'] / cost['plain']:.2f} |")
        fixed, slope = _fit([t["pages"] for t in floor["topics"]],
                            [t["cpu_seconds"] for t in floor["topics"]])
        details += [f"N = {_n(size)}" + (", the 3 largest and 3 smallest topics"
                                          if cost["sampled"] else "") +
                    f": a straight-line fit gives {slope:.3f} s per page plus {fixed:.2f} s "
                    "per document.", "",
                    "| handout | cards | pages | CPU s | s / page |", "|---|---|---|---|---|"]
        for t in sorted(floor["topics"], key=lambda t: -t["cpu_seconds"]):
            details.append(f"| {t['slug']} | {t['cards']} | {t['pages']} | "
                           f"{_s(t['cpu_seconds'])} | "
                           f"{t['cpu_seconds'] / max(t['pages'], 1):.3f} |")
        if "all" in floor:
            a = floor["all"]
            details.append(f"| all (`all.pdf`) | {a['cards']} | {a['pages']} | "
                           f"{_s(a['cpu_seconds'])} | "
                           f"{a['cpu_seconds'] / max(a['pages'], 1):.3f} |")
        details.append("")
    if not details:
        return []
    return [*lines, "", *details]


def _full(entries: dict) -> list[str]:
    rows = [(size, name, r) for size, entry in entries.items()
            for name, r in _full_runs(entry)]
    if not rows:
        return []
    lines = ["### Full build, cold, every output", "",
             "| N | PDF processes | wall | CPU | peak MB: largest / tree | PDF pages |",
             "|---|---|---|---|---|---|"]
    for size, name, r in rows:
        pages = r.get("pages") or {}
        count = sum(pages.get("handouts", {}).values()) + pages.get("cheatsheet", 0)
        lines.append(f"| {_n(size)} | {_jobs(name, r)} | {_s(r['seconds'])} | "
                     f"{_s(r['cpu_seconds'])} | {_mb(r['maxrss_mb'])} / {_mb(r['tree_mb'])} | "
                     f"{count} ({len(pages.get('handouts', {}))} handouts + cheat sheet "
                     f"{pages.get('cheatsheet', 0)}) |")
    lines.append("")
    for size, entry in entries.items():
        model = projection(entry)
        if model is None:
            continue
        runs = {r.get("jobs"): r for _, r in _full_runs(entry)}
        check = "; ".join(f"T({c}) = {_s(model.at(c))} s against {_s(r['seconds'])} s "
                          f"measured ({_s(r['cpu_seconds'])} s of CPU, against S + D + P = "
                          f"{_s(model.serial + model.deck + model.work)} s)"
                          for c, r in sorted(runs.items()) if c)
        lines += [f"Projection at N = {_n(size)}: T(c) = S + max((P + D) / c, L) with "
                  f"S = {_s(model.serial)} s (to notes.yaml), D = {_s(model.deck)} s (the "
                  f"deck), P = {_s(model.work)} CPU s for {model.pages} PDF pages, L = "
                  f"{_s(model.longest)} s ({model.longest_name}). {check}. "
                  f"**8 cores: {_s(model.at(8))} s; 16 cores: {_s(model.at(16))} s.**", ""]
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

"""Writing scenarios: the JSON Schema editors check them with, a new file from a template, and
the differences between two scenarios."""

import enum
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from klarsim.cli.common import FAULT, SetOption, _bad_input_exits, _fail, app, plural

ABSENT = "(absent)"
"""How ``diff`` shows a key that one scenario does not have."""
NAME_PATTERN = re.compile(r"[A-Za-z0-9_\-]{1,64}")
"""A scenario name (``klarsim.config.types.Name``): it becomes part of file and folder names."""
SHOWN_VALUE = 60
"""The most characters of a value ``diff`` prints; a longer one ends with ``...``."""
ORDERED = ("pools",)
"""Mappings whose order matters (pools are tried in order): a new order is a difference."""


class Template(enum.StrEnum):
    """The bundled scenarios ``klarsim new`` starts from."""

    HUMAN_ONLY = "human-only"
    HYBRID = "hybrid"
    AI_FIRST = "ai-first"
    KLARNA_BASELINE = "klarna-baseline"


TEMPLATE_FILES = {
    Template.HUMAN_ONLY: ("examples", "human_only.yaml"),
    Template.HYBRID: ("examples", "hybrid.yaml"),
    Template.AI_FIRST: ("examples", "ai_first.yaml"),
    Template.KLARNA_BASELINE: ("klarna", "2023_human_centre.yaml"),
}

CHANGE_FIRST = """\
# {name}: a new scenario from the {template} template (klarsim new).
# What to change first, top to bottom:
#   1. demand.contacts_per_day, and demand.intents: each intent's share (they sum to 1)
#      and handle_time_min.
#   2. pools: each pool's headcount, cost_per_hour and skills (the intents it serves).
#   3. ai, if present: which intents it takes (routing) and how often it resolves them.
#   4. experiment: horizon_days, replications, seed; experiment.scale 0.1 for quick tries.
# Every key is documented in docs/scenarios.md (and in your editor, with the schema above).
# Check: klarsim validate {file}   Run: klarsim run {file} --days 30 --reps 2
"""


@app.command(epilog="Example: klarsim schema --out scenario.schema.json")
def schema(
    out: Annotated[
        Path | None, typer.Option(help="Write the schema to this file (default: print it).")
    ] = None,
) -> None:
    """Print the JSON Schema of scenario files, for editors that check YAML as you type."""
    from klarsim.config.json_schema import scenario_json_schema_text  # noqa: PLC0415

    text = scenario_json_schema_text()
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:  # like a results folder under a file: bad input
        _fail(f"error: cannot write {out}: {error.strerror or error}")
    typer.echo(f"Schema written to {out}")


@app.command(epilog="Example: klarsim new my-centre --from hybrid")
def new(
    name: Annotated[str, typer.Argument(help="The scenario's name; the file is NAME.yaml.")],
    template: Annotated[
        Template, typer.Option("--from", help="The bundled scenario to start from.")
    ] = Template.HUMAN_ONLY,
    directory: Annotated[
        Path, typer.Option("--dir", help="The folder to write NAME.yaml into.")
    ] = Path(),
) -> None:
    """Write NAME.yaml from a bundled template, with what to change first; never overwrites."""
    if NAME_PATTERN.fullmatch(name) is None:
        _fail(
            f"error: NAME: expected 1 to 64 letters, digits, '_' or '-' (no dots or spaces), "
            f"got {name!r}"
        )
    path = directory / f"{name}.yaml"
    text = scaffold(name, template, path.name)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        _fail(f"error: {path} exists; choose another NAME or remove it first")
    except OSError as error:  # no such folder, not a folder, a name too long, no permission
        _fail(f"error: cannot write {path}: {error.strerror or error}")
    typer.echo(f"Wrote {path} from the {template.value} template; next: klarsim validate {path}")


def scaffold(name: str, template: Template, file: str) -> str:
    """The template's text named ``name``, headed by the schema comment and what to change."""
    from klarsim.config.bundled import bundled_scenarios  # noqa: PLC0415
    from klarsim.config.json_schema import SCHEMA_FILE  # noqa: PLC0415

    subfolder, template_file = TEMPLATE_FILES[template]
    folder = bundled_scenarios(subfolder)
    body = (folder / template_file).read_text(encoding="utf-8")
    body = "".join(line for line in body.splitlines(keepends=True) if not _schema_line(line))
    body = re.sub(r"^name: .*$", f"name: {_yaml_text(name)}", body, count=1, flags=re.MULTILINE)
    schema_path = folder.parent / SCHEMA_FILE
    header = (
        f"# yaml-language-server: $schema={schema_path.as_uri()}\n" if schema_path.is_file() else ""
    )
    header += CHANGE_FIRST.format(name=name, template=template.value, file=file)
    return f"{header}#\n{body}"


def _yaml_text(text: str) -> str:
    """``text`` as a YAML scalar that reads back as this very string: plain when it does,
    else quoted (``0``, ``yes``, ``null`` and ``---`` would read as a number, a boolean...)."""
    import yaml  # noqa: PLC0415

    try:
        plain = yaml.safe_load(text) == text
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text)


def _schema_line(line: str) -> bool:
    return line.startswith("# yaml-language-server:")


@app.command(
    epilog="Example: klarsim diff scenarios/examples/human_only.yaml scenarios/examples/hybrid.yaml"
)
def diff(
    first: Annotated[Path, typer.Argument(metavar="A", help="Scenario YAML file.")],
    second: Annotated[Path, typer.Argument(metavar="B", help="Scenario YAML file.")],
    set_: SetOption = None,
) -> None:
    """Print the keys whose values differ between two resolved scenarios (defaults filled in).

    --set applies to both, as in compare. Exit 0 when equal, 1 when they differ (like diff).
    """
    from klarsim.config import load_scenario, scenario_data  # noqa: PLC0415

    with _bad_input_exits():
        left = scenario_data(load_scenario(first, set_))
        right = scenario_data(load_scenario(second, set_))
    differences = list(differing(left, right))
    if not differences:
        typer.echo(f"no differences: {first} and {second} resolve to the same scenario")
        return
    typer.echo(f"--- A: {first}\n+++ B: {second}")
    for key, a_value, b_value in differences:
        typer.echo(f"{key}\n  A: {_shown(a_value)}\n  B: {_shown(b_value)}")
    typer.echo(plural(len(differences), "difference"))
    raise typer.Exit(FAULT)


def differing(left: Any, right: Any, key: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Dotted keys (list items by index) whose values differ, with both values; ``ABSENT``
    stands for a key one side lacks, or a section one side leaves out (``ai: null``)."""
    if isinstance(left, dict) or isinstance(right, dict):
        left_keys, right_keys = _mapping(left), _mapping(right)
        if key in ORDERED and set(left_keys) == set(right_keys) and left_keys != right_keys:
            yield f"{key} (order)", left_keys, right_keys
        for child in dict.fromkeys([*left_keys, *right_keys]):
            yield from differing(_child(left, child), _child(right, child), _join(key, child))
    elif isinstance(left, list) and isinstance(right, list):
        for index in range(max(len(left), len(right))):
            yield from differing(
                left[index] if index < len(left) else ABSENT,
                right[index] if index < len(right) else ABSENT,
                _join(key, str(index)),
            )
    elif left != right:
        yield key, left, right


def _mapping(value: Any) -> list[str]:
    return [str(key) for key in value] if isinstance(value, dict) else []


def _child(value: Any, key: str) -> Any:
    return value.get(key, ABSENT) if isinstance(value, dict) else ABSENT


def _join(key: str, child: str) -> str:
    return f"{key}.{child}" if key else child


def _shown(value: Any) -> str:
    """A value as JSON (``(absent)`` as is), cut to ``SHOWN_VALUE`` characters."""
    text = value if value is ABSENT else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 3] + "..."

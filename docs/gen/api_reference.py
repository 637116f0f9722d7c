"""Generate the JSON API reference page from the app's OpenAPI schema, at build time."""
import mkdocs_gen_files

from samarkand.web.app import create_app


def _param_row(p: dict) -> str:
    sch = p.get("schema", {})
    alts = [a for a in sch.get("anyOf", [sch]) if a.get("type") != "null"]
    kinds = " or ".join(a.get("type", "choice" if "$ref" in a or "enum" in a else "?") for a in alts) or "?"
    allowed = "; ".join(" | ".join(map(str, a["enum"])) for a in alts if "enum" in a)
    rng = ", ".join(f"{sym} {a[k]}" for a in alts for k, sym in (("minimum", "≥"), ("maximum", "≤")) if k in a)
    default = sch.get("default", "")
    desc = (p.get("description") or sch.get("description") or "").replace("|", "\\|").replace("\n", " ")
    req = "yes" if p.get("required") else ""
    return f"| `{p['name']}` | {kinds} | {req} | {allowed or rng} | {default} | {desc} |"


schema = create_app().openapi()
lines = ["# JSON API reference", "",
         "<!-- generated from the OpenAPI schema by docs/gen/api_reference.py: do not edit -->", "",
         "`samarkand serve` starts the dashboard and this read-only JSON API. Every endpoint returns "
         "`{provenance, notes, rows, extras}`; a bad parameter is a 422 whose `detail[0].loc` names it. "
         "The same reference is served offline at `/api-reference`.", ""]
for path, item in sorted(schema["paths"].items()):
    if not path.startswith("/api/") or "get" not in item:
        continue
    op = item["get"]
    lines += [f"## `GET {path}`", "", op.get("summary", ""), ""]
    if op.get("description"):
        lines += [op["description"].strip(), ""]
    params = op.get("parameters", [])
    if params:
        lines += ["| parameter | type | required | allowed | default | description |",
                  "|---|---|---|---|---|---|", *(_param_row(p) for p in params), ""]
with mkdocs_gen_files.open("reference/api.md", "w") as fh:
    fh.write("\n".join(lines) + "\n")

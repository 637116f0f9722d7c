"""JSON API: one endpoint per method, typed and validated query parameters, 422 naming the parameter.

Every endpoint returns ``Result.to_dict()`` (provenance, notes, rows, extras).  Parameters are validated by
FastAPI/pydantic (Literal choices, numeric ranges) and then against the store and the reference data:
an unknown economy, product, year or dataset is a 422 whose ``detail[0].loc`` names the parameter and whose
``msg`` is the method's own message.  The API only reads: no endpoint imports data or opens a path given by
the client.
"""

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from samarkand import economies
from samarkand.errors import DataError, InfeasibleError, InputError, NotInStoreError, SamarkandError
from samarkand.provenance import Result


class ParamError(Exception):
    """A query parameter is invalid: rendered as a 422 naming ``param``."""

    def __init__(self, param: str | None, message: str, kind: str = "value_error", **extra: Any):
        self.param, self.message, self.kind, self.extra = param, message, kind, extra
        super().__init__(message)

    def body(self) -> dict[str, Any]:
        loc = ["query", self.param] if self.param else ["query"]
        return {"detail": [{"loc": loc, "msg": self.message, "type": self.kind, **self.extra}]}


def param_error_response(exc: ParamError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=422)


# --- validation helpers ---------------------------------------------------------------------------------------

def economy(param: str, value: str) -> str:
    try:
        return economies.resolve(value)
    except InputError as exc:
        raise ParamError(param, str(exc)) from exc


def economy_list(param: str, value: str | None) -> list[str]:
    if value is None or not value.strip():
        return []
    return [economy(param, v) for v in value.split(",") if v.strip()]


def hs6(param: str, value: str) -> str:
    from samarkand.methods.dependencies import _check_code

    try:
        return _check_code(value)
    except InputError as exc:
        raise ParamError(param, str(exc)) from exc


def dataset_name(value: str | None) -> str | None:
    if value is None:
        return None
    from samarkand.store import Store

    names = [d.name for d in Store().datasets()]
    if value not in names:
        raise ParamError("dataset", f"no dataset named '{value}'; available: {', '.join(names)}")
    return value


def open_flows_checked(dataset: str | None, year: int | None, *, param: str = "year"):
    """The dataset's flows, with ``year`` checked (422 naming ``year`` and listing the years)."""
    from samarkand.store import open_flows

    fl = open_flows(dataset_name(dataset))
    if year is not None:
        try:
            fl.require_year(int(year))
        except NotInStoreError as exc:
            raise ParamError(param, str(exc)) from exc
    return fl


def guess_param(message: str, params: dict[str, Any]) -> str | None:
    """The parameter whose value the method's message mentions (for errors raised inside a method)."""
    import re

    low = message.lower()
    for name in params:
        if len(name) >= 2 and re.search(rf"\b{re.escape(name.replace('_', ' '))}\b|\b{re.escape(name)}\b", low):
            return name
    for name, val in params.items():
        if val is None or isinstance(val, bool):
            continue
        vals = val if isinstance(val, (list, tuple)) else [val]
        for v in vals:
            s = str(v).strip().lower()
            if len(s) >= 2 and s in low:
                return name
    return None


# --- result cache: the store is read-only for the app, results are deterministic --------------------------

class ResultCache:
    """LRU of JSON bodies keyed by endpoint, parameters and the store catalog's state."""

    def __init__(self, size: int = 256):
        self.size, self._d, self._lock = size, OrderedDict(), threading.Lock()

    @staticmethod
    def store_state() -> str:
        from samarkand.store import Store

        p = Store().catalog_path
        try:
            st = p.stat()
            return f"{st.st_mtime_ns}:{st.st_size}"
        except OSError:
            return "none"

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            v = self._d.get(key)
            if v is not None:
                self._d.move_to_end(key)
            return v

    def put(self, key: tuple, body: bytes) -> None:
        with self._lock:
            self._d[key] = body
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


CACHE = ResultCache()


def respond(endpoint: str, params: dict[str, Any], compute: Callable[[], Result], *,
            limit: int | None = None) -> Response:
    """Run ``compute`` (cached), map samarkand errors to 422/500, return the Result as JSON."""
    key = (endpoint, json.dumps(params, sort_keys=True, default=str), limit, CACHE.store_state())
    body = CACHE.get(key)
    if body is None:
        try:
            res = compute()
        except ParamError:
            raise
        except InfeasibleError as exc:
            raise ParamError(guess_param(str(exc), params), str(exc), "infeasible", binding=exc.binding) from exc
        except (NotInStoreError, InputError) as exc:
            raise ParamError(guess_param(str(exc), params), str(exc)) from exc
        except DataError as exc:
            return JSONResponse({"detail": [{"loc": ["data"], "msg": str(exc), "type": "data_error"}]},
                                status_code=500)
        except SamarkandError as exc:
            raise ParamError(guess_param(str(exc), params), str(exc)) from exc
        d = res.to_dict()
        if limit is not None:
            d["rows_total"] = len(d["rows"])
            d["rows"] = d["rows"][:limit]
        d["parameters"] = params
        body = json.dumps(d, default=_json_default, allow_nan=False).encode()
        CACHE.put(key, body)
    return Response(body, media_type="application/json")


def _json_default(o: Any) -> Any:
    import math

    if hasattr(o, "item"):
        o = o.item()
        if isinstance(o, float) and (math.isnan(o) or math.isinf(o)):
            return None
        return o
    if isinstance(o, (set, frozenset, range)):
        return sorted(o) if not isinstance(o, range) else list(o)
    return str(o)


# --- the endpoints --------------------------------------------------------------------------------------------

def domain_choices() -> list[str]:
    from samarkand import products

    try:
        return products.domain_names()
    except Exception:  # noqa: BLE001 - domains table not built: no choices, validated by the method
        return []


Year = Annotated[int | None, Query(ge=1988, le=2100, description="Trade year (default: latest in the dataset)")]
Dataset = Annotated[str | None, Query(max_length=120, description="Store dataset name (default: most recent "
                                                                   "import, else the shipped 'baci-crm')")]
Limit = Annotated[int | None, Query(ge=1, le=100_000, description="Return at most this many rows of the main "
                                                                   "table (extras are complete)")]
EconomyQ = Annotated[str, Query(min_length=2, max_length=60, description="ISO3 code, country name or bloc "
                                                                          "(EU27, EAEU, C5)")]


def build_router() -> APIRouter:
    from enum import Enum

    domains = domain_choices()
    Domain = Enum("Domain", {d: d for d in domains}, type=str) if domains else str  # type: ignore[misc]
    r = APIRouter(prefix="/api", tags=["methods"])

    def _domain(v: Any) -> str | None:
        return None if v is None else (v.value if hasattr(v, "value") else str(v))

    @r.get("/datasets", tags=["store"], summary="Flow datasets in the store (read-only)")
    def datasets() -> list[dict[str, Any]]:
        from samarkand.store import Store

        return [{"name": d.name, "source": d.source, "release": d.release, "hs_revision": d.hs_revision,
                 "years": d.years, "rows": d.rows, "checksum": d.checksum, "imported_at": d.imported_at,
                 "shipped": d.shipped, "coverage": d.coverage, "citation": d.citation}
                for d in Store().datasets()]

    @r.get("/dependencies", summary="Dependency screen (EC 2021 / CEPII GeoDep)")
    def dependencies(reporter: EconomyQ = "EU27", year: Year = None,
                     method: Annotated[Literal["ec2021", "geodep"], Query(
                         description="ec2021: European Commission SWD(2021) 352; geodep: CEPII GeoDep 2024")
                     ] = "ec2021",
                     domain: Annotated[Domain | None,  # type: ignore[valid-type]
                                       Query(description="Restrict to a domain")] = None,
                     supplier: Annotated[str | None, Query(max_length=60, description="Keep products this "
                                                           "economy supplies (leverage table)")] = None,
                     dependent_only: Annotated[bool, Query(description="Only products meeting every "
                                                           "criterion")] = False,
                     risk: Annotated[bool, Query(description="Add risk-weighted HHI (WGI governance and UN "
                                                 "ideal-point distance of suppliers)")] = False,
                     dataset: Dataset = None, limit: Limit = None) -> Response:
        rep = economy("reporter", reporter)
        sup = economy("supplier", supplier) if supplier else None
        params = {"reporter": rep, "year": year, "method": method, "domain": _domain(domain), "supplier": sup,
                  "dependent_only": dependent_only, "risk": risk, "dataset": dataset}

        def compute() -> Result:
            from samarkand.methods.dependencies import dependencies as dep

            fl = open_flows_checked(dataset, year)
            y = year if year is not None else fl.years()[-1] if fl.years() else None
            if y is None:
                raise ParamError("dataset", f"dataset '{fl.info.name}' holds no flows; run `samarkand data fetch`")
            res = dep(rep, y, method=method, flows=fl, domain=_domain(domain), risk=risk or None)
            t = res.table
            if dependent_only:
                t = t[t["dependent"]]
            if sup:
                lev = res.extras.get("leverage")
                keep = set(lev.loc[lev["supplier"] == sup, "hs6"]) if lev is not None else set()
                t = t[t["hs6"].isin(keep) | (t["top_supplier"] == sup)]
            return Result(t.reset_index(drop=True), res.provenance, res.extras, res.notes)

        return respond("dependencies", params, compute, limit=limit)

    @r.get("/materials", summary="EU sourcing concentration per material and stage (CRM study shares)")
    def materials(material: Annotated[str | None, Query(max_length=60)] = None,
                  stage: Annotated[Literal["E", "P"] | None, Query(description="E extraction, P processing")] = None,
                  limit: Limit = None) -> Response:
        params = {"material": material, "stage": stage}

        def compute() -> Result:
            from samarkand.methods.material_view import material_view

            return material_view(material, stage)

        return respond("materials", params, compute, limit=limit)

    @r.get("/partnership", summary="Mutual opportunities of two economies")
    def partnership(a: EconomyQ = "EU27", b: EconomyQ = "KAZ", year: Year = None,
                    domain: Annotated[Domain | None, Query()] = None,  # type: ignore[valid-type]
                    method: Literal["ec2021", "geodep"] = "ec2021",
                    rca_threshold: Annotated[float, Query(ge=0, le=100)] = 1.0,
                    dataset: Dataset = None, limit: Limit = None) -> Response:
        ra, rb = economy("a", a), economy("b", b)
        if ra == rb:
            raise ParamError("b", f"b is the same economy as a ({ra}); give two different economies")
        params = {"a": ra, "b": rb, "year": year, "domain": _domain(domain), "method": method,
                  "rca_threshold": rca_threshold, "dataset": dataset}

        def compute() -> Result:
            from samarkand.methods.partnership import partnership as part

            fl = open_flows_checked(dataset, year)
            y = year if year is not None else fl.years()[-1]
            return part(ra, rb, y, flows=fl, domain=_domain(domain), method=method, rca_threshold=rca_threshold)

        return respond("partnership", params, compute, limit=limit)

    @r.get("/rebalance", summary="Re-source a product's imports to minimise risk-weighted concentration")
    def rebalance(reporter: EconomyQ = "EU27",
                  product: Annotated[str | None, Query(min_length=4, max_length=6, pattern=r"^\d{4,6}$",
                                                       description="HS6 code")] = None,
                  material: Annotated[str | None, Query(max_length=60, description="CRM-study material "
                                                        "(instead of product)")] = None,
                  stage: Annotated[Literal["E", "P"] | None, Query()] = None,
                  year: Year = None,
                  avoid: Annotated[str | None, Query(max_length=300, description="Comma-separated economies")] = None,
                  favour: Annotated[str | None, Query(max_length=300)] = None,
                  objective: Annotated[Literal["risk_hhi", "hhi"], Query(
                      description="Minimise Σ risk·share² (risk_hhi) or Σ share² (hhi)")] = "risk_hhi",
                  max_shift: Annotated[float | None, Query(gt=0, le=1)] = None,
                  growth: Annotated[float, Query(ge=0, le=10)] = 0.0,
                  dataset: Dataset = None) -> Response:
        rep = economy("reporter", reporter)
        if (product is None) == (material is None):
            raise ParamError("product", "give exactly one of product (HS6) or material")
        code = hs6("product", product) if product else None
        av, fa = economy_list("avoid", avoid), economy_list("favour", favour)
        params = {"reporter": rep, "product": code, "material": material, "stage": stage, "year": year,
                  "avoid": av, "favour": fa, "objective": objective, "max_shift": max_shift, "growth": growth,
                  "dataset": dataset}

        def compute() -> Result:
            from samarkand.methods.rebalance import rebalance as reb

            fl = open_flows_checked(dataset, year) if code else None
            y = year if year is not None or fl is None else (fl.years() or [None])[-1]
            return reb(rep, code, y, avoid=av, favour=fa, objective=objective, max_shift=max_shift,
                       growth=growth, material=material, stage=stage, flows=fl)

        return respond("rebalance", params, compute)

    @r.get("/stress", summary="Supplier cut-off stress test with re-sourcing")
    def stress(reporter: EconomyQ = "EU27",
               cut: Annotated[str, Query(min_length=2, max_length=300, description="Comma-separated economies or "
                                         "blocs to cut (a coalition)")] = "CHN",
               year: Year = None, domain: Annotated[Domain | None, Query()] = None,  # type: ignore[valid-type]
               products: Annotated[str | None, Query(max_length=2000, description="Comma-separated HS6")] = None,
               share_cut: Annotated[float, Query(ge=0, le=1, description="Fraction of supply cut")] = 1.0,
               diversion: Annotated[float | None, Query(ge=0, le=1, description="Share of remaining suppliers' "
                                                       "third-country exports that can be diverted")] = None,
               suppliers: Annotated[Literal["current", "all"], Query(
                   description="Who can replace: current suppliers only, or every exporter")] = "current",
               dataset: Dataset = None, limit: Limit = None) -> Response:
        rep = economy("reporter", reporter)
        cuts = economy_list("cut", cut)
        if not cuts:
            raise ParamError("cut", "cut names no economy")
        prods = [hs6("products", p) for p in products.split(",") if p.strip()] if products else None
        params = {"reporter": rep, "cut": cuts, "year": year, "domain": _domain(domain), "products": prods,
                  "share_cut": share_cut, "diversion": diversion, "suppliers": suppliers, "dataset": dataset}

        def compute() -> Result:
            from samarkand.methods.stress import stress as st

            fl = open_flows_checked(dataset, year)
            kw = {} if diversion is None else {"diversion": diversion}
            return st(rep, cut=cuts, products=prods, domain=_domain(domain), year=year, share_cut=share_cut,
                      suppliers=suppliers, flows=fl, **kw)

        return respond("stress", params, compute, limit=limit)

    @r.get("/stress/monte-carlo", summary="Stress test with uncertain diversion rates (percentiles over draws)")
    def stress_mc(reporter: EconomyQ = "EU27",
                  cut: Annotated[str, Query(min_length=2, max_length=300)] = "CHN",
                  year: Year = None, domain: Annotated[Domain | None, Query()] = None,  # type: ignore[valid-type]
                  share_cut: Annotated[float, Query(ge=0, le=1)] = 1.0,
                  n: Annotated[int, Query(ge=10, le=5000, description="Number of draws")] = 500,
                  dist: Annotated[Literal["uniform", "beta"], Query(description="Distribution of diversion rates")]
                  = "uniform",
                  low: Annotated[float, Query(ge=0, le=1)] = 0.0, high: Annotated[float, Query(ge=0, le=1)] = 1.0,
                  seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
                  dataset: Dataset = None, limit: Limit = None) -> Response:
        rep = economy("reporter", reporter)
        cuts = economy_list("cut", cut)
        if high < low:
            raise ParamError("high", f"high ({high}) is below low ({low})")
        params = {"reporter": rep, "cut": cuts, "year": year, "domain": _domain(domain), "share_cut": share_cut,
                  "n": n, "dist": dist, "low": low, "high": high, "seed": seed, "dataset": dataset}

        def compute() -> Result:
            from samarkand.methods.stress import stress_monte_carlo

            fl = open_flows_checked(dataset, year)
            return stress_monte_carlo(rep, cuts, domain=_domain(domain), year=year, share_cut=share_cut, n=n,
                                      dist=dist, low=low, high=high, seed=seed, flows=fl)

        return respond("stress/monte-carlo", params, compute, limit=limit)

    @r.get("/stress/materials", summary="Material-level stress on the EU CRM study (share of EU sourcing lost)")
    def stress_materials(cut: Annotated[str, Query(min_length=2, max_length=300)] = "CHN",
                         share_cut: Annotated[float, Query(ge=0, le=1)] = 1.0,
                         diversion: Annotated[float | None, Query(ge=0, le=1)] = None,
                         limit: Limit = None) -> Response:
        cuts = economy_list("cut", cut)
        params = {"cut": cuts, "share_cut": share_cut, "diversion": diversion}

        def compute() -> Result:
            from samarkand.methods.stress import stress_materials as sm

            kw = {} if diversion is None else {"diversion": diversion}
            return sm(cuts, share_cut=share_cut, **kw)

        return respond("stress/materials", params, compute, limit=limit)

    @r.get("/crm/hs6", summary="CRMA benchmark at HS6 level on trade flows (codes mapped to materials)")
    def crm_hs6(importer: EconomyQ = "EU27", year: Year = None,
                material: Annotated[str | None, Query(max_length=60)] = None,
                threshold: Annotated[float, Query(gt=0, le=1)] = 0.65,
                dataset: Dataset = None, limit: Limit = None) -> Response:
        imp = economy("importer", importer)
        params = {"importer": imp, "year": year, "material": material, "threshold": threshold, "dataset": dataset}

        def compute() -> Result:
            from samarkand.methods import crm

            fl = open_flows_checked(dataset, year)
            return crm.hs6_concentration(flows=fl, year=year, importer=imp, material=material, threshold=threshold)

        return respond("crm/hs6", params, compute, limit=limit)

    @r.get("/agrifood", summary="Kazakhstan's agricultural exports to EU members (FAOSTAT), by item")
    def agrifood(year: Annotated[int | None, Query(ge=2018, le=2024, description="FAOSTAT year")] = None,
                 limit: Limit = None) -> Response:
        params = {"year": year}

        def compute() -> Result:
            from samarkand.methods.agrifood import kaz_eu_agrifood

            return kaz_eu_agrifood(year)

        return respond("agrifood", params, compute, limit=limit)

    @r.get("/corridors", summary="Kazakhstan's export corridors: max-flow before/after closures")
    def corridors(commodity: Annotated[str, Query(max_length=40)] = "crude",
                  close_transit: Annotated[str | None, Query(max_length=200, description="Comma-separated "
                                                             "transit countries to close")] = None,
                  close_links: Annotated[str | None, Query(max_length=400, description="Comma-separated link "
                                                           "names to close")] = None,
                  capacity: Annotated[Literal["low", "high"], Query(
                      description="Low or high end of each link's sourced capacity range")] = "low") -> Response:
        ct = economy_list("close_transit", close_transit)
        cl = [s.strip() for s in close_links.split(",") if s.strip()] if close_links else []
        params = {"commodity": commodity, "close_transit": ct, "close_links": cl, "capacity": capacity}

        def compute() -> Result:
            from samarkand.methods.corridors import corridors as cor

            return cor(commodity=commodity, close_transit=ct, close_links=cl, capacity=capacity)

        return respond("corridors", params, compute)

    @r.get("/crm/benchmark", summary="CRM Act 65 % single-third-country benchmark per strategic material")
    def crm_benchmark(threshold: Annotated[float, Query(gt=0, le=1)] = 0.65,
                      material: Annotated[str | None, Query(max_length=60)] = None,
                      strategic_only: bool = True, limit: Limit = None) -> Response:
        params = {"threshold": threshold, "material": material, "strategic_only": strategic_only}

        def compute() -> Result:
            from samarkand.methods import crm

            return crm.benchmark(threshold, material=material, strategic_only=strategic_only)

        return respond("crm/benchmark", params, compute, limit=limit)

    @r.get("/crm/partner", summary="A country's share of global supply and EU sourcing per material")
    def crm_partner(economy_: Annotated[str, Query(alias="economy", min_length=2, max_length=60)] = "KAZ",
                    limit: Limit = None) -> Response:
        e = economy("economy", economy_)
        params = {"economy": e}

        def compute() -> Result:
            from samarkand.methods import crm

            return crm.partner(e)

        return respond("crm/partner", params, compute, limit=limit)

    @r.get("/crm/criticality", summary="Supply risk and economic importance per material and assessment")
    def crm_criticality(year: Annotated[int | None, Query(ge=2011, le=2030)] = None,
                        material: Annotated[str | None, Query(max_length=60)] = None,
                        limit: Limit = None) -> Response:
        params = {"year": year, "material": material}

        def compute() -> Result:
            from samarkand.methods import crm

            return crm.criticality(year, material)

        return respond("crm/criticality", params, compute, limit=limit)

    @r.get("/crm/concentration", summary="HHI and governance-weighted HHI per material and stage")
    def crm_concentration(material: Annotated[str | None, Query(max_length=60)] = None,
                          stage: Annotated[str | None, Query(max_length=20)] = None,
                          limit: Limit = None) -> Response:
        params = {"material": material, "stage": stage}

        def compute() -> Result:
            from samarkand.methods import crm

            return crm.concentration(material, stage)

        return respond("crm/concentration", params, compute, limit=limit)

    @r.get("/crm/supply-risk", summary="Supply risk (JRC formula) with missing inputs marked")
    def crm_supply_risk(material: Annotated[str | None, Query(max_length=60)] = None,
                        limit: Limit = None) -> Response:
        params = {"material": material}

        def compute() -> Result:
            from samarkand.methods import crm

            return crm.supply_risk(material)

        return respond("crm/supply-risk", params, compute, limit=limit)

    @r.get("/crm/reproduce", summary="samarkand's supply risk next to the published 2017 / 2023 values")
    def crm_reproduce(year: Annotated[Literal["2017", "2023"], Query(description="Assessment to reproduce")] = "2023",
                      limit: Limit = None) -> Response:
        params = {"year": int(year)}

        def compute() -> Result:
            from samarkand.methods import crm

            return crm.reproduce(int(year))

        return respond("crm/reproduce", params, compute, limit=limit)

    @r.get("/cbam", summary="CBAM cost of an exporter's Annex I goods sent to the EU, 2026–2034")
    def cbam(exporter: EconomyQ = "KAZ",
             year_from: Annotated[int, Query(ge=2026, le=2034, description="First CBAM year")] = 2026,
             year_to: Annotated[int, Query(ge=2026, le=2034, description="Last CBAM year")] = 2034,
             ets_price: Annotated[float | None, Query(ge=0, le=10_000, description="EU certificate price, "
                                                      "EUR/tCO2e (constant)")] = None,
             origin_carbon_price: Annotated[float, Query(ge=0, le=10_000)] = 0.0,
             intensity_cut: Annotated[float | None, Query(ge=0, le=1, description="Cut of emission intensity, "
                                                          "fraction")] = None,
             dataset: Dataset = None, limit: Limit = None) -> Response:
        ex = economy("exporter", exporter)
        if year_to < year_from:
            raise ParamError("year_to", f"year_to ({year_to}) is before year_from ({year_from})")
        params = {"exporter": ex, "year_from": year_from, "year_to": year_to, "ets_price": ets_price,
                  "origin_carbon_price": origin_carbon_price, "intensity_cut": intensity_cut, "dataset": dataset}

        def compute() -> Result:
            from samarkand.methods.cbam import cbam as cb

            kw: dict[str, Any] = {}
            if ets_price is not None:
                kw["ets_price"] = ets_price
            fl = open_flows_checked(dataset, None)
            return cb(ex, years=range(year_from, year_to + 1), origin_carbon_price=origin_carbon_price,
                      intensity_cut=intensity_cut, flows=fl, **kw)

        return respond("cbam", params, compute, limit=limit)

    @r.get("/alignment", summary="Governance (WGI) and UN-voting (ideal point) convergence of A with B")
    def alignment(a: EconomyQ = "KAZ", b: EconomyQ = "EU27",
                  vs: Annotated[str | None, Query(max_length=200,
                                                  description="Comma-separated references")] = "RUS,CHN",
                  year_from: Annotated[int | None, Query(ge=1946, le=2100)] = None,
                  year_to: Annotated[int | None, Query(ge=1946, le=2100)] = None,
                  measure: Literal["idealpointfp", "idealpointall"] = "idealpointfp",
                  limit: Limit = None) -> Response:
        ra, rb = economy("a", a), economy("b", b)
        refs = economy_list("vs", vs)
        if year_from is not None and year_to is not None and year_to < year_from:
            raise ParamError("year_to", f"year_to ({year_to}) is before year_from ({year_from})")
        params = {"a": ra, "b": rb, "vs": refs, "year_from": year_from, "year_to": year_to, "measure": measure}

        def compute() -> Result:
            from samarkand.methods.alignment import alignment as al

            years = None
            if year_from is not None or year_to is not None:
                years = range(year_from or 1946, (year_to or 2100) + 1)
            return al(ra, rb, vs=refs, years=years, measure=measure)

        return respond("alignment", params, compute, limit=limit)

    return r

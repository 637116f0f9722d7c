"""The brief's energy section: crude and LNG dependence of the first economy, the partner's place as a supplier,
transit through Russia, the backtest of the stress test on 2021→outcome year, and uranium (EU only).

Every figure comes from a method of :mod:`samarkand.methods.energy` or :mod:`samarkand.methods.uranium`; what a
pair's data lack (no uranium figures outside the EU, no crude imports, no 2021 in the dataset) is a notice on the
page, never an invented number.
"""
from __future__ import annotations

from samarkand import display
from samarkand.brief import figures as F
from samarkand.brief.sections import Context, Headline, Notice, Section, Table, _fig, run
from samarkand.methods import energy as energy_methods
from samarkand.methods.uranium import uranium

TRANSIT = "RUS"


def money(v: float | None, currency: str = "USD") -> str:
    """Money on cards and in sentences: :func:`samarkand.display.money` (3 significant digits), 'n/a' for none."""
    return "n/a" if v is None else display.money(float(v), currency)

BACKTEST_BASE = 2021          # the last year before the EU's embargo on Russian seaborne crude (Dec 2022)
HISTORY_YEARS = 10
LABEL = {"crude": "crude", "lng": "LNG"}


def energy_section(ctx: Context) -> Section:
    """Crude and LNG suppliers, the partner's rank, transit exposure via Russia, the backtest and uranium."""
    sec = Section("energy", "Energy: crude oil, LNG, transit and uranium",
                  f"How dependent is {ctx.a_name} on its crude and LNG suppliers, where does {ctx.b_name} stand "
                  f"among them, and how much of that supply crosses Russia?")
    if ctx.year is None:               # no flows: the flow-free part (uranium) still computes
        sec.notices.append(Notice("missing", f"no flows: {ctx.flows_problem}"))
        sec.worse("no-data")
        _uranium(sec, ctx)
        return sec
    for commodity in ("crude", "lng"):
        _suppliers(sec, ctx, commodity)
    _transit(sec, ctx)
    _backtest(sec, ctx)
    _uranium(sec, ctx)
    return sec


def _suppliers(sec: Section, ctx: Context, commodity: str) -> None:
    name = {"crude": "crude oil (HS 270900)", "lng": "LNG (HS 271111)"}[commodity]
    if ctx.year is None:
        return
    year = ctx.year
    years = [y for y in ctx.flows_years if year - HISTORY_YEARS < y <= year]
    r = run(sec, f"{ctx.a}'s suppliers of {name}, {years[0]}–{years[-1]}" if years else name,
            lambda: energy_methods.suppliers(ctx.a, years, commodity=commodity, flows=ctx.flows),
            flow_based=True, ctx=ctx)
    if r is None:
        return
    t = r.table
    now = t[t["year"] == ctx.year]
    if now.empty:
        sec.notices.append(Notice("missing", f"{ctx.a} has no extra imports of {name} in {ctx.year}"))
        sec.worse("partial")
        return
    partner = now[now["supplier"] == ctx.b]
    if not partner.empty:
        p = partner.iloc[0]
        sec.headlines.append(Headline(
            f"{ctx.b_name} in {ctx.a}'s {LABEL[commodity]} imports ({ctx.year})",
            f"#{int(p['rank'])}, {display.share(p['share'])}",
            f"{money(p['imports_usd'])}, {display.tonnes(p['imports_t'])} of {money(now['imports_usd'].sum())}",
            sec.id, message=f"{ctx.b_name} is {ctx.a_name}'s number {int(p['rank'])} supplier of {LABEL[commodity]} "
                            f"from outside: {display.share(p['share'])} of extra imports by value, "
                            f"{display.money(p['imports_usd'], 'USD')} in {ctx.year}.",
            stake=float(p["imports_usd"])))
    elif commodity == "crude":
        sec.headlines.append(Headline(f"{ctx.b_name} in {ctx.a}'s crude imports ({ctx.year})", "not a supplier",
                                      f"{len(now)} suppliers; largest {now.iloc[0]['supplier']} "
                                      f"{display.share(now.iloc[0]['share'])}", sec.id))
    top = now.head(10)[["rank", "supplier", "imports_usd", "imports_t", "share", "share_t"]]
    sec.tables.append(Table(f"{ctx.a}'s suppliers of {name}, {ctx.year}", top,
                            "share: of extra imports by value; share t: by tonnes (BACI quantities).",
                            max_rows=10, formats={"imports_t": "num", "share_t": "pct"}))
    keep = set(now.head(5)["supplier"]) | {ctx.b, TRANSIT}
    hist = t[t["supplier"].isin(keep)]
    title = f"Shares of {ctx.a}'s {LABEL[commodity]} imports by supplier (value)"
    _fig(sec, f"energy-{commodity}-shares", lambda: F.lines(hist, "year", "share", "supplier", title, yformat=".0%"),
         f"Top five suppliers of {ctx.year}, {ctx.b} and Russia; CEPII BACI HS92.")


def _transit(sec: Section, ctx: Context) -> None:
    r = run(sec, f"Transit exposure of {ctx.a}'s crude imports through Russia ({ctx.year})",
            lambda: energy_methods.exposure(ctx.a, ctx.year, via=TRANSIT, commodity="crude", flows=ctx.flows),
            flow_based=True, ctx=ctx)
    if r is None:
        return
    tot = r.extras["totals"].iloc[0]
    t = r.table
    partner = t[t["supplier"] == ctx.b]
    detail = (f"{money(tot['transit_exposed_usd'])} of {money(tot['imports_usd'])}; Russia's own supply "
              f"{display.share(tot[f'direct_from_{TRANSIT}_share'])} more")
    if not partner.empty:
        detail = f"{ctx.b}: {display.share(partner.iloc[0]['transit_share'])} of its exports cross Russia; " + detail
    assumed = bool(t["basis"].astype(str).str.contains("assum", case=False).any()) if "basis" in t else False
    sec.headlines.append(Headline(
        f"Share of {ctx.a}'s crude imports that transits Russia", display.share(tot["transit_share_of_imports"]),
        detail, sec.id,
        message=f"{display.share(tot['transit_share_of_imports'])} of {ctx.a_name}'s crude imports "
                f"({display.money(tot['transit_exposed_usd'], 'USD')}) cross Russia on their way.",
        stake=float(tot["transit_exposed_usd"]),
        caveat="route shares partly assumed (analyst estimates) where no measured volumes exist" if assumed else ""))
    sec.tables.append(Table("Crude imports whose route crosses Russia", t[["supplier", "role", "imports_usd",
                                                                          "transit_share", "exposed_usd", "basis"]],
                            "transit share: measured route volumes (corridor table) for Kazakhstan, otherwise "
                            "analyst route shares labelled as assumptions; 'direct' is Russia's own supply."))


def _backtest(sec: Section, ctx: Context) -> None:
    if ctx.year is None or BACKTEST_BASE not in ctx.flows_years or ctx.year <= BACKTEST_BASE:
        sec.limits.append(f"Backtest of the stress test: needs {BACKTEST_BASE} and a later year in the dataset")
        return
    r = run(sec, f"Backtest: Russian crude cut-off predicted on {BACKTEST_BASE}, observed {ctx.year}",
            lambda: energy_methods.backtest(ctx.a, TRANSIT, commodity="crude", base_year=BACKTEST_BASE,
                                                 outcome_year=ctx.year, flows=ctx.flows),
            flow_based=True, ctx=ctx)
    if r is None:
        return
    s = r.extras["summary"].iloc[0]
    others = r.table[~r.table["cut"]]
    actual = others.sort_values("actual_increase_t", ascending=False).head(3)["supplier"].tolist()
    predicted = others.sort_values("predicted_increase_t", ascending=False).head(3)["supplier"].tolist()
    if s["lost_actual_t"] > 0:
        quality = "weak" if not s["rank_correlation"] >= 0.5 else "fair"
        sec.paragraphs.append(
            f"Backtest on a real shock: cutting Russia from {ctx.a}'s {BACKTEST_BASE} crude imports, the stress test "
            f"predicts {s['share_replaced_predicted']:.0%} of the {s['lost_predicted_t'] / 1e6:,.1f} Mt replaced. "
            f"By {ctx.year} Russia's supply had fallen by {s['lost_actual_t'] / 1e6:,.1f} Mt and the other suppliers "
            f"had added {s['replaced_actual_net_t'] / 1e6:,.1f} Mt net. The model's ranking of who replaces is "
            f"{quality} (rank correlation {s['rank_correlation']:.2f}; weighted absolute error "
            f"{s['weighted_absolute_error']:.2f}): it expected {', '.join(predicted)} to replace most; in fact "
            f"{', '.join(actual)} grew most.")
    else:
        sec.paragraphs.append(f"Backtest: Russia's crude supply to {ctx.a} did not fall between {BACKTEST_BASE} and "
                              f"{ctx.year}, so there is no shock to test the stress method against.")
    t = r.table[~r.table["cut"]].copy()
    t["size"] = t[["actual_increase_t", "predicted_increase_t"]].abs().max(axis=1)
    top = t.sort_values("size", ascending=False).head(12)
    sec.tables.append(Table(f"Backtest {BACKTEST_BASE}→{ctx.year}: predicted and actual increase by supplier (t)",
                            top[["supplier", "base_t", "outcome_t", "actual_increase_t", "predicted_increase_t",
                                 "new_supplier", "beyond_headroom"]],
                            "beyond headroom: grew by more than its base-year exports to third countries.",
                            max_rows=12, formats=dict.fromkeys(("base_t", "outcome_t", "actual_increase_t",
                                                                 "predicted_increase_t"), "num")))
    _fig(sec, "energy-backtest", lambda: F.grouped_bars(top, "supplier", {"predicted_increase_t": "predicted",
                                                                           "actual_increase_t": "actual"},
                                                         f"Russian crude cut-off: predicted ({BACKTEST_BASE}) vs "
                                                         f"actual ({ctx.year}) increase by supplier, tonnes",
                                                         horizontal=True),
         "The stress test with its default diversion rate 0.5, run on the base year exactly as `stress` does.")


def _uranium(sec: Section, ctx: Context) -> None:
    r = run(sec, f"Natural uranium supply of {ctx.a} by origin", lambda: uranium(ctx.a))
    if r is None:
        return
    t = r.table
    rows = t[(t["origin"] == ctx.b) & t["share"].notna()]
    firm = rows[~rows["source_type"].str.contains("TERTIARY", case=False)]
    if not firm.empty:
        last = firm.sort_values("year").iloc[-1]
        newer = rows[rows["year"] > last["year"]]
        extra = (f"; {int(newer.iloc[-1]['year'])}: about {display.share(newer.iloc[-1]['share'])} (tertiary, "
                 "unverified)" if not newer.empty else "")
        sec.headlines.append(Headline(
            f"{ctx.b_name}'s share of {ctx.a}'s natural-uranium deliveries",
            f"{display.share(last['share'])} ({int(last['year'])})", f"{last['as_reported']}{extra}", sec.id,
            message=f"{ctx.b_name} supplied {display.share(last['share'])} of the natural uranium delivered to "
                    f"{ctx.a_name} utilities in {int(last['year'])}.",
            caveat="Euratom Supply Agency figures as reported by secondary sources"))
    countries = t[(t["row_type"] == "country") & t["share"].notna()]
    sec.tables.append(Table("Natural uranium delivered to EU utilities, by origin (ESA, as reported)",
                            countries[["year", "origin", "share", "tonnes_u", "as_reported"]], max_rows=30,
                            formats={"tonnes_u": "num"}))
    svc = r.extras["services"]
    sec.tables.append(Table("Russia's share of conversion and enrichment services to EU utilities",
                            svc[["year", "service", "russia_share", "as_reported"]], max_rows=20))
    w = r.extras["world_production"]
    latest = int(w["year"].max())
    wl = w[(w["year"] == latest) & (w["country"] != "Others")]
    _fig(sec, "energy-uranium-world", lambda: F.bar_shares(wl, "country", "tonnes_u",
                                                           f"World uranium mine production {latest} (tU)",
                                                           share="share", top=12),
         "World Nuclear Association, latest revision; shares computed from its table.")
    _fig(sec, "energy-uranium-eu", lambda: F.stacked_bars(countries.assign(share_pct=countries["share"] * 100),
                                                          "year", "share_pct", "origin",
                                                          f"Origins of {ctx.a} natural-uranium deliveries (%)",
                                                          ytitle="% of deliveries"),
         "ESA figures as reported by secondary sources (2024: tertiary, unverified); years with few published "
         "shares do not add up to 100 %.")
    sec.limits.append("Uranium: no ESA annual report was on hand; shares are as reported by secondary sources, "
                      "2015–2019 and the 2023 shares were not found")


__all__ = ["energy_section"]

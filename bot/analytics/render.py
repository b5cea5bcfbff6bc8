"""The report as one self-contained HTML page: inline CSS, SVG charts drawn here, no script, no network.

Every text that comes from a customer, a store or a file (messages, comments, channel names,
reasons, document titles, cluster names) goes through :func:`esc`; the page's
Content-Security-Policy forbids scripts and every load from elsewhere, so even a text that
escaped escaping could not run or call out.

Charts are ``<figure class="chart" data-chart="NAME">`` with an inline ``<svg>``: bars are
``rect.bar`` (one per value, with a ``<title>`` giving the exact number), line charts draw
``circle.point`` per known value (``data-series`` names the line); the tests count them.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from bot.analytics.report import FeedbackTheme, QuestionCluster, Report

LABELS: Dict[str, str] = {
    "containment_rate": "Finished by the bot", "escalation_rate": "Handed off", "abandonment_rate": "Abandoned",
    "fallback_rate": "Fallback turns", "knowledge_abstain_rate": "Knowledge abstentions",
    "involvement_rate": "Bot involved", "hard_resolution_rate": "Confirmed resolution",
    "soft_resolution_rate": "Soft resolution", "automation_rate": "Automation rate", "csat_mean": "CSAT mean",
    "csat_top2_share": "CSAT 4-5 share", "csat_response_rate": "Survey response",
    "bot_response_ms_p50": "Bot response p50", "bot_response_ms_p95": "Bot response p95",
    "first_human_reply_business_minutes_p50": "First agent reply p50",
    "handling_business_minutes_p50": "Handling time p50", "resolution_business_minutes_p50": "Handoff resolution p50",
    "reopened_within_7_days_rate": "Reopened within 7 days",
}
LATENCY_BUCKETS: Tuple[Tuple[str, float], ...] = (("< 0.25 s", 250), ("0.25-0.5 s", 500), ("0.5-1 s", 1000),
                                                  ("1-2 s", 2000), ("2-4 s", 4000), ("4-8 s", 8000),
                                                  ("≥ 8 s", math.inf))
SHOWN_CLUSTERS = 50
"""The page lists the largest 50 clusters (and themes) and says how many smaller ones there are."""
SHOWN_UNCLUSTERED = 10
COLORS = ("#2f6db5", "#d9822b", "#3c9a5f", "#b5443b", "#7a5cb0")

CSS = """
:root{--ink:#1f2430;--muted:#5d6474;--line:#d9dde5;--ok:#2e7d4f;--miss:#b5443b;--none:#8a90a0;--bar:#2f6db5;--bg:#f6f7f9}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}h1{margin:0 0 4px;font-size:26px}h2{margin:36px 0 8px;font-size:20px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:0 0 6px;font-size:16px}.muted{color:var(--muted)}.small{font-size:13px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px;margin-top:12px}
.tile{background:#fff;border:1px solid var(--line);border-left:6px solid var(--none);border-radius:6px;padding:10px 12px}
.tile.met{border-left-color:var(--ok)}.tile.missed{border-left-color:var(--miss)}
.tile .label{font-size:13px;color:var(--muted)}.tile .value{font-size:24px;font-weight:600}.tile .target{font-size:12px;color:var(--muted)}
.tile.missed .value{color:var(--miss)}
.wide{margin-top:14px;overflow-x:auto}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:14px}
figure.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px}
figure.chart figcaption{font-size:13px;color:var(--muted);margin-bottom:4px}
svg{display:block;width:100%;max-width:640px;height:auto}svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
rect.bar{fill:var(--bar)}rect.bar:hover{opacity:.8}.axis{stroke:var(--line)}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}th{font-size:13px;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.cluster{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:10px 0}
.cluster ul{margin:6px 0 0;padding-left:20px}.cluster li{margin:2px 0}
.doc.covered{color:var(--ok)}.doc.uncovered{color:var(--miss);font-weight:600}
.tone-negative{color:var(--miss)}.tone-positive{color:var(--ok)}
.sizebar{display:inline-block;height:8px;background:var(--bar);border-radius:2px;vertical-align:middle;margin-right:6px}
.legend span{display:inline-block;margin-right:12px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
"""


def esc(value: Any) -> str:
    """HTML-escape any value (quotes too, so it is safe in attributes)."""
    return html.escape(str(value), quote=True)


# --------------------------------------------------------------------------- formatting


def fmt_kpi(kpi: str, value: Optional[float]) -> str:
    """A KPI's value as the tiles show it: rates in %, CSAT out of 5, ms, minutes."""
    if value is None:
        return "no data"
    if kpi.endswith("_rate") or kpi.endswith("_share"):
        return f"{value * 100:.1f}%"
    if kpi == "csat_mean":
        return f"{value:.2f} / 5"
    if "_ms_" in kpi:
        return f"{value:,.0f} ms"
    if "_minutes_" in kpi:
        return f"{value:.1f} min"
    return f"{value:g}"


def fmt_rate(value: Optional[float]) -> str:
    """A rate in %, or an en dash when there is none."""
    return "–" if value is None else f"{value * 100:.1f}%"


# --------------------------------------------------------------------------- charts


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _figure(name: str, caption: str, svg: str) -> str:
    return (f'<figure class="chart" data-chart="{esc(name)}"><figcaption>{esc(caption)}</figcaption>'
            f"{svg}</figure>")


def bar_chart(name: str, caption: str, items: Sequence[Tuple[str, float]], unit: str = "",
              width: int = 520, height: int = 220) -> str:
    """Vertical bars, one ``rect.bar`` per item (zero-height bars are kept, so each label has one)."""
    left, bottom, top = 52, 40, 12
    plot_w, plot_h = width - left - 8, height - bottom - top
    top_value = _nice_max(max((v for _, v in items), default=0))
    slot = plot_w / max(len(items), 1)
    every = max(1, math.ceil(len(items) / 16))  # at most ~16 x labels
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(caption)}">']
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line class="axis" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{esc(_short(top_value * fraction))}</text>')
    for position, (label, value) in enumerate(items):
        bar_h = plot_h * (value / top_value) if top_value else 0
        x = left + position * slot + slot * 0.15
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{bar_h:.1f}" data-label="{esc(label)}" data-value="{value:g}">'
                     f"<title>{esc(label)}: {esc(_short(value))}{esc(unit)}</title></rect>")
        if position % every == 0:
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                         f"{esc(label[-5:] if len(items) > 5 else label)}</text>")
    parts.append("</svg>")
    return _figure(name, caption, "".join(parts))


def hbar_chart(name: str, caption: str, items: Sequence[Tuple[str, float]], width: int = 520) -> str:
    """Horizontal bars with their labels on the left, one ``rect.bar`` per item."""
    row, left = 24, 190
    height = max(row * len(items) + 10, 34)
    top_value = max((v for _, v in items), default=0) or 1
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(caption)}">']
    for position, (label, value) in enumerate(items):
        y = 5 + position * row
        bar_w = (width - left - 60) * value / top_value
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{esc(label[:32])}</text>'
                     f'<rect class="bar" x="{left}" y="{y + 3}" width="{bar_w:.1f}" height="{row - 8}" '
                     f'data-label="{esc(label)}" data-value="{value:g}"><title>{esc(label)}: {esc(_short(value))}</title></rect>'
                     f'<text x="{left + bar_w + 4:.1f}" y="{y + 14}">{esc(_short(value))}</text>')
    if not items:
        parts.append(f'<text x="{width / 2}" y="20" text-anchor="middle">none</text>')
    parts.append("</svg>")
    return _figure(name, caption, "".join(parts))


def line_chart(name: str, caption: str, x_labels: Sequence[str], series: Mapping[str, Sequence[Optional[float]]],
               percent: bool = False, unit: str = "", width: int = 520, height: int = 220) -> str:
    """Lines over the x labels, one ``circle.point`` per known value; unknown values leave a gap."""
    left, bottom, top, pad = 60, 40, 12, 18
    plot_w, plot_h = width - left - 8, height - bottom - top
    known = [v for values in series.values() for v in values if v is not None]
    top_value = 1.0 if percent else _nice_max(max(known, default=0))
    step = (plot_w - 2 * pad) / max(len(x_labels) - 1, 1)
    left_x = left + pad
    every = max(1, math.ceil(len(x_labels) / 16))

    def label_of(value: float) -> str:
        return f"{value * 100:.0f}%" if percent else _short(value) + unit

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(caption)}">']
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line class="axis" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{esc(label_of(top_value * fraction))}</text>')
    for position, label in enumerate(x_labels):
        if position % every == 0:
            parts.append(f'<text x="{left_x + position * step:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                         f"{esc(label[-5:])}</text>")
    for number, (series_name, values) in enumerate(series.items()):
        color = COLORS[number % len(COLORS)]
        segment: List[str] = []
        points: List[str] = []
        for position, value in enumerate(values):
            if value is None:
                if len(segment) > 1:
                    parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(segment)}"/>')
                segment = []
                continue
            x = left_x + position * step
            y = top + plot_h * (1 - min(value / top_value, 1.0))
            segment.append(f"{x:.1f},{y:.1f}")
            points.append(f'<circle class="point" data-series="{esc(series_name)}" cx="{x:.1f}" cy="{y:.1f}" r="3" '
                          f'fill="{color}"><title>{esc(series_name)} {esc(x_labels[position])}: '
                          f"{esc(label_of(value))}</title></circle>")
        if len(segment) > 1:
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(segment)}"/>')
        parts += points
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{COLORS[n % len(COLORS)]}"></i>{esc(s)}</span>'
                     for n, s in enumerate(series))
    return _figure(name, caption, "".join(parts) + f'<div class="legend">{legend}</div>')


def _short(value: float) -> str:
    if value != value:  # NaN
        return "–"
    if abs(value) >= 10_000:
        return f"{value / 1000:,.0f}k"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- sections


def _days(report: "Report") -> List[str]:
    """Every UTC day of the window, and any day before it on which a counted conversation started."""
    first = report.collected.since.date()
    last = (report.collected.until - dt.timedelta(microseconds=1)).date()
    days = {(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)}
    return sorted(days | set(report.collected.kpis["by_day"]))


def _tiles(kpis: Mapping[str, Any]) -> str:
    overall = kpis["overall"]
    tiles = [f'<div class="tile" data-kpi="conversations"><div class="label">Conversations</div>'
             f'<div class="value">{overall["conversations"]:,}</div><div class="target">evaluation traffic excluded</div></div>']
    for kpi, entry in kpis["targets"].items():
        state = {True: "met", False: "missed", None: "nodata"}[entry["met"]]
        sign = "≥" if entry["direction"] == "higher" else "≤"
        tiles.append(f'<div class="tile {state}" data-kpi="{esc(kpi)}"><div class="label">{esc(LABELS.get(kpi, kpi))}</div>'
                     f'<div class="value">{esc(fmt_kpi(kpi, entry["value"]))}</div>'
                     f'<div class="target">target {sign} {esc(fmt_kpi(kpi, entry["target"]))}'
                     f'{"" if entry["met"] is None else " · met" if entry["met"] else " · missed"}</div></div>')
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _trends(report: "Report") -> str:
    by_day = report.collected.kpis["by_day"]
    days = _days(report)

    def values(kpi: str) -> List[Optional[float]]:
        return [by_day[d]["overall"][kpi] if d in by_day else None for d in days]

    return '<div class="charts">' + "".join([
        bar_chart("conversations-by-day", "Conversations per day (UTC)",
                  [(d, by_day[d]["overall"]["conversations"] if d in by_day else 0) for d in days]),
        line_chart("rates-by-day", "Finished by the bot, handed off, fallback turns per day", days,
                   {"finished by the bot": values("containment_rate"), "handed off": values("escalation_rate"),
                    "fallback turns": values("fallback_rate")}, percent=True),
    ]) + "</div>"


def _channels(report: "Report") -> str:
    by_channel = report.collected.kpis["by_channel"]
    rows = "".join(
        f'<tr data-channel="{esc(ch)}"><td>{esc(ch)}</td><td class="num">{k["conversations"]:,}</td>'
        f'<td class="num">{fmt_rate(k["containment_rate"])}</td><td class="num">{fmt_rate(k["escalation_rate"])}</td>'
        f'<td class="num">{fmt_rate(k["abandonment_rate"])}</td><td class="num">{fmt_rate(k["fallback_rate"])}</td>'
        f'<td class="num">{esc(fmt_kpi("csat_mean", k["csat_mean"]))}</td>'
        f'<td class="num">{esc(fmt_kpi("bot_response_ms_p95", k["bot_response_ms_p95"]))}</td></tr>'
        for ch, k in by_channel.items())
    table = ("<table><thead><tr><th>channel</th><th class=num>conversations</th><th class=num>finished by the bot</th>"
             "<th class=num>handed off</th><th class=num>abandoned</th><th class=num>fallback turns</th>"
             f"<th class=num>CSAT</th><th class=num>response p95</th></tr></thead><tbody>{rows}</tbody></table>")
    chart = hbar_chart("conversations-by-channel", "Conversations per channel",
                       [(ch, k["conversations"]) for ch, k in by_channel.items()])
    return f'<div class="charts">{chart}</div><div class="wide">{table}</div>'


def _reasons_and_csat(report: "Report") -> str:
    reasons = sorted(Counter(h.reason for h in report.collected.handoffs).items(),
                     key=lambda item: (-item[1], item[0]))
    ratings = [r.rating for r in report.collected.ratings]
    return '<div class="charts">' + hbar_chart(
        "escalation-reasons", f"Handoffs by reason ({sum(c for _, c in reasons):,})", reasons) + bar_chart(
        "csat", f"Ratings given ({len(ratings):,}), 1 to 5", [(str(n), ratings.count(n)) for n in range(1, 6)]) + "</div>"


def latency_histogram(milliseconds: Sequence[float]) -> List[Tuple[str, int]]:
    """How many bot responses fall in each of :data:`LATENCY_BUCKETS` (upper bounds exclusive)."""
    counts = [0] * len(LATENCY_BUCKETS)
    for value in milliseconds:
        for index, (_, bound) in enumerate(LATENCY_BUCKETS):
            if value < bound:
                counts[index] += 1
                break
    return [(label, count) for (label, _), count in zip(LATENCY_BUCKETS, counts)]


def _latency(report: "Report") -> str:
    response = [ms for c in report.collected.conversations for ms in c.response_ms]
    by_day = report.collected.kpis["by_day"]
    days = _days(report)
    return '<div class="charts">' + bar_chart(
        "latency", f"Time to the bot's first reply ({len(response):,} customer messages)", latency_histogram(response)) + line_chart(
        "latency-by-day", "Bot response p50 and p95 per day", days,
        {"p50": [by_day[d]["overall"]["bot_response_ms_p50"] if d in by_day else None for d in days],
         "p95": [by_day[d]["overall"]["bot_response_ms_p95"] if d in by_day else None for d in days]},
        unit=" ms") + "</div>"


def _document(cluster: "QuestionCluster", knowledge: str) -> str:
    document = cluster.document
    if document is None:
        return f'<div class="doc small muted">{esc(knowledge or "no knowledge index")}</div>'
    if not document.covered:
        return (f'<div class="doc uncovered" data-covered="false">no document covers this '
                f'<span class="small muted">(nearest: {esc(document.title)}, {esc(document.doc_id)}, '
                f"similarity {document.similarity:.2f})</span></div>")
    return (f'<div class="doc covered" data-covered="true">nearest document: {esc(document.title)} '
            f'<span class="small muted">({esc(document.doc_id)}, similarity {document.similarity:.2f})</span></div>')


def _unanswered(report: "Report") -> str:
    unanswered = report.collected.unanswered
    if not unanswered:
        return '<p class="muted">No unanswered customer messages in this window.</p>'
    kinds = Counter(k for u in unanswered for k in u.kinds)
    largest = report.clusters[0].messages if report.clusters else 1
    parts = [f'<p data-unanswered="{len(unanswered)}">{len(unanswered):,} unanswered customer messages in '
             f'{len({u.conversation_id for u in unanswered}):,} conversations ('
             + ", ".join(f"{kinds[k]:,} {esc(k)}" for k in ("fallback", "abstained", "handed off") if kinds[k])
             + f"; a message can be several). {len(report.clusters)} clusters, largest first; "
             f"{len(report.unclustered):,} messages are in none.</p>"]
    for number, cluster in enumerate(report.clusters[:SHOWN_CLUSTERS], 1):
        examples = "".join(f"<li>{esc(text)}</li>" for text in cluster.examples)
        how = ", ".join(f"{count:,} {esc(kind)}" for kind, count in cluster.kinds.items())
        parts.append(
            f'<div class="cluster" data-cluster="{number}" data-count="{cluster.messages}">'
            f'<h3><span class="sizebar" style="width:{max(4, 160 * cluster.messages // largest)}px"></span>'
            f'{esc(cluster.name)} <span class="muted small">{cluster.messages:,} messages, '
            f"{cluster.conversations:,} conversations ({how})</span></h3>"
            f"{_document(cluster, report.knowledge)}<ul>{examples}</ul></div>")
    if len(report.clusters) > SHOWN_CLUSTERS:
        rest = report.clusters[SHOWN_CLUSTERS:]
        parts.append(f'<p class="muted">{len(rest)} smaller clusters ({sum(c.messages for c in rest):,} messages) not shown.</p>')
    if report.unclustered:
        shown = "".join(f"<li>{esc(text)}</li>" for text in report.unclustered[:SHOWN_UNCLUSTERED])
        parts.append(f'<div class="cluster" data-cluster="none"><h3>In no cluster <span class="muted small">'
                     f"{len(report.unclustered):,} messages; the first {min(SHOWN_UNCLUSTERED, len(report.unclustered))}"
                     f"</span></h3><ul>{shown}</ul></div>")
    return "".join(parts)


def _theme_row(theme: "FeedbackTheme", name_html: str) -> str:
    sentiment = "–" if theme.sentiment is None else f"{theme.sentiment:+.2f}"
    examples = "".join(f"<li>{esc(text)}</li>" for text in theme.examples)
    return (f'<tr data-theme="{esc(theme.name)}"><td>{name_html}<ul class="small">{examples}</ul></td>'
            f'<td class="num">{theme.comments:,}</td>'
            f'<td class="num" data-mean-rating>{"–" if theme.mean_rating is None else f"{theme.mean_rating:.2f}"}</td>'
            f'<td class="num tone-{esc(theme.tone)}">{esc(theme.tone)} ({sentiment})</td>'
            f'<td class="num">{fmt_rate(theme.negative_share)}</td></tr>')


def _feedback(report: "Report") -> str:
    comments = report.collected.comments
    if not comments:
        return '<p class="muted">No feedback comments in this window.</p>'
    rows = "".join(_theme_row(t, esc(t.name)) for t in report.themes[:SHOWN_CLUSTERS])
    if len(report.themes) > SHOWN_CLUSTERS:
        rest = report.themes[SHOWN_CLUSTERS:]
        rows += (f'<tr><td colspan="5" class="muted">{len(rest)} smaller themes '
                 f"({sum(t.comments for t in rest):,} comments) not shown</td></tr>")
    if report.other_comments.comments:
        rows += _theme_row(report.other_comments, '<span class="muted">in no theme</span>')
    return (f'<p data-comments="{len(comments)}">{len(comments):,} comments with {len(report.themes)} themes, largest '
            "first. Sentiment: the lexicon of the escalation rules (bot/handoff/escalation.py), mean over the "
            "comments, -1 to +1.</p>"
            "<table><thead><tr><th>theme (distinctive words) and typical comments</th><th class=num>comments</th>"
            "<th class=num>mean rating</th><th class=num>sentiment</th><th class=num>negative</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def render_html(report: "Report") -> str:
    """The whole page."""
    collected = report.collected
    window = f"{collected.since:%Y-%m-%d %H:%M} to {collected.until:%Y-%m-%d %H:%M} UTC"
    csv_link = (f'<a href="{esc(report.csv_name)}">{esc(report.csv_name)}</a>' if report.csv_name else "")
    config = report.clustering
    sections = [
        ("kpis", "KPIs against the targets of kpis.yml", _tiles(collected.kpis)),
        ("trends", "Trends by day", _trends(report)),
        ("channels", "Channels", _channels(report)),
        ("escalations", "Escalation reasons and customer satisfaction", _reasons_and_csat(report)),
        ("latency", "Bot response time", _latency(report)),
        ("unanswered", "Unanswered questions", _unanswered(report)),
        ("feedback", "What customers say in their feedback", _feedback(report)),
    ]
    body = "".join(f'<section id="{name}"><h2>{esc(title)}</h2>{content}</section>' for name, title, content in sections)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard report {esc(window)}</title><style>{CSS}</style></head>
<body><main>
<h1>Switchboard report</h1>
<p class="muted">{esc(window)} · made {report.generated_at:%Y-%m-%d %H:%M} UTC · {len(collected.conversations):,} conversations,
evaluation traffic excluded{" · one row per conversation: " + csv_link if csv_link else ""}</p>
{body}
<section id="method"><h2>How this was made</h2><p class="small muted">Definitions: docs/monitoring.md. Unanswered
questions are customer messages whose turn ran a fallback, a knowledge answer that abstained, or a handoff. Messages and
comments are grouped by meaning (MiniLM sentence embeddings, PCA to {config.dimensions} dimensions, HDBSCAN with a
minimum cluster size of {config.min_size}-{config.max_size} growing with the number of texts; a text joins a cluster
whose centroid it is at least {esc(config.join_threshold)} similar to); clusters are named by their most distinctive
words (c-TF-IDF). The nearest knowledge document is the one whose passages the cluster's messages are most similar to
(median of each message's best cosine); below {esc(_threshold())}, the bot's abstention threshold, no document covers
the cluster. {esc(report.knowledge)}.</p></section>
</main></body></html>
"""


def _threshold() -> float:
    from bot.knowledge.retriever import LOW_CONFIDENCE

    return LOW_CONFIDENCE

#!/usr/bin/env python3
"""Draws the dashboard's "Service KPIs" row as a PNG from a live `turnctl probe --watch`.

For where no Grafana runs (the README's picture was made this way). It polls the probe's /metrics,
computes each panel's PromQL by hand over the polls (success from the attempts counters, RTT and
time-to-first-packet quantiles from the histogram buckets as histogram_quantile does, the loss
gauge, the share of round trips under 150 ms), and draws them with the KPI targets read from
deploy/prometheus/alerts.yml.

  /usr/bin/python3 deploy/grafana/kpi-snapshot.py --url http://127.0.0.1:9642/metrics \
      --minutes 10 --every 15 --out docs/kpi-dashboard.png

Needs python3-matplotlib and python3-yaml (Debian).
"""
import argparse
import math
import re
import time
import urllib.request
from pathlib import Path

import yaml

SAMPLE = re.compile(r'^(\w+)\{([^}]*)\} (\S+)$')
LABEL = re.compile(r'(\w+)="([^"]*)"')


def scrape(url):
    """{(name, frozenset(labels)): value} of one /metrics page."""
    out = {}
    with urllib.request.urlopen(url, timeout=5) as r:
        for line in r.read().decode().splitlines():
            m = SAMPLE.match(line)
            if m:
                out[(m.group(1), frozenset(LABEL.findall(m.group(2))))] = float(m.group(3))
    return out


def series(page, name, **want):
    for (n, labels), v in page.items():
        d = dict(labels)
        if n == name and all(d.get(k) == w for k, w in want.items()):
            yield d, v


def quantile(q, buckets):
    """histogram_quantile over [(le, cumulative count)], linear inside the bucket."""
    buckets = sorted(buckets)
    total = buckets[-1][1] if buckets else 0
    if total <= 0:
        return math.nan
    rank = q * total
    prev_le, prev_count = 0.0, 0.0
    for le, count in buckets:
        if count >= rank:
            if math.isinf(le):
                return prev_le
            return prev_le + (le - prev_le) * (rank - prev_count) / max(count - prev_count, 1e-12)
        prev_le, prev_count = le, count
    return prev_le


def bucket_deltas(now, then, name, target):
    out = []
    for d, v in series(now, name + '_bucket', target=target):
        before = next((w for e, w in series(then, name + '_bucket', target=target) if e['le'] == d['le']), 0.0)
        out.append((float('inf') if d['le'] == '+Inf' else float(d['le']), v - before))
    return out


def targets_from_alerts(path):
    rules = {}
    for group in yaml.safe_load(Path(path).read_text())['groups']:
        for rule in group['rules']:
            if 'record' in rule:
                rules[rule['record']] = float(re.search(r'vector\(([0-9.]+)\)', rule['expr']).group(1))
    return (rules['turnctl:kpi_success_ratio_target'], rules['turnctl:kpi_rtt_p90_seconds_target'],
            rules['turnctl:kpi_loss_ratio_target'])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--url', default='http://127.0.0.1:9642/metrics')
    ap.add_argument('--minutes', type=float, default=10)
    ap.add_argument('--every', type=float, default=15, help='seconds between polls')
    ap.add_argument('--window', type=int, default=4, help='polls per rate window (the PromQL [5m] of the dashboard)')
    ap.add_argument('--alerts', default=str(Path(__file__).resolve().parents[1] / 'prometheus' / 'alerts.yml'))
    ap.add_argument('--out', default='kpi-dashboard.png')
    args = ap.parse_args()
    success_target, rtt_target, loss_target = targets_from_alerts(args.alerts)

    pages, stamps = [], []
    end = time.time() + args.minutes * 60
    while time.time() < end:
        try:
            pages.append(scrape(args.url))
            stamps.append(time.time())
        except OSError as e:
            print('poll failed:', e)
        time.sleep(args.every)

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    targets = sorted({d['target'] for d, _ in series(pages[-1], 'turnctl_probe_up')})
    fig, axes = plt.subplots(2, 3, figsize=(16, 7.5))
    fig.suptitle('Service KPIs (from turnctl probe --watch): success >= %.0f%%, RTT p90 < %.0f ms, loss < %.0f%%'
                 % (success_target * 100, rtt_target * 1000, loss_target * 100), fontsize=13)
    t0 = stamps[0]
    for target in targets:
        xs, ok, p50, p90, p99, loss, under, ttfp50, ttfp90 = [], [], [], [], [], [], [], [], []
        for i in range(args.window, len(pages)):
            now, then = pages[i], pages[i - args.window]
            xs.append((stamps[i] - t0) / 60)
            att = {d['result']: v for d, v in series(now, 'turnctl_probe_attempts_total', target=target)}
            before = {d['result']: v for d, v in series(then, 'turnctl_probe_attempts_total', target=target)}
            total = sum(att.values()) - sum(before.values())
            ok.append((att.get('ok', 0) - before.get('ok', 0)) / total if total > 0 else math.nan)
            rtt = bucket_deltas(now, then, 'turnctl_probe_rtt_seconds', target)
            p50.append(quantile(0.5, rtt) * 1000)
            p90.append(quantile(0.9, rtt) * 1000)
            p99.append(quantile(0.99, rtt) * 1000)
            count = max((c for le, c in rtt if math.isinf(le)), default=0)
            under.append(next((c for le, c in rtt if abs(le - 0.15) < 1e-9), 0) / count if count else math.nan)
            first = bucket_deltas(now, then, 'turnctl_probe_time_to_first_packet_seconds', target)
            ttfp50.append(quantile(0.5, first) * 1000)
            ttfp90.append(quantile(0.9, first) * 1000)
            loss.append(next((v for _, v in series(now, 'turnctl_probe_loss_ratio', target=target)), math.nan))
        axes[0][0].plot(xs, [v * 100 for v in ok], label=target)
        axes[0][1].plot(xs, p50, label='p50 ' + target)
        axes[0][1].plot(xs, p90, label='p90 ' + target)
        axes[0][1].plot(xs, p99, label='p99 ' + target, alpha=0.6)
        axes[0][2].plot(xs, [v * 100 for v in loss], label=target)
        axes[1][0].plot(xs, [v * 100 for v in under], label=target)
        axes[1][1].plot(xs, ttfp50, label='p50 ' + target)
        axes[1][1].plot(xs, ttfp90, label='p90 ' + target)
        fails = {}
        for d, v in series(pages[-1], 'turnctl_probe_attempts_total', target=target):
            if d['result'] != 'ok' and v > 0:
                fails[d['result']] = v
        axes[1][2].bar(list(fails) or ['(none)'], list(fails.values()) or [0])
    line = dict(color='red', linestyle='--', linewidth=2, label='target')
    panels = [
        (axes[0][0], 'Connection success (%)', success_target * 100),
        (axes[0][1], 'Relayed round trip (ms)', rtt_target * 1000),
        (axes[0][2], 'Loss (%)', loss_target * 100),
        (axes[1][0], 'Round trips under 150 ms (%)', None),
        (axes[1][1], 'Time to first packet (ms)', None),
        (axes[1][2], 'Failed connections by cause (total)', None),
    ]
    for ax, title, goal in panels:
        ax.set_title(title)
        if goal is not None:
            ax.axhline(goal, **line)
        if ax is not axes[1][2]:
            ax.set_xlabel('minutes')
            ax.legend(fontsize=7, loc='best')
        ax.grid(alpha=0.3)
    axes[0][0].set_ylim(0, 101)
    axes[1][0].set_ylim(0, 101)
    fig.tight_layout()
    fig.savefig(args.out, dpi=80)
    print('wrote', args.out)


if __name__ == '__main__':
    main()

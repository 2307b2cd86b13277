"""Reference for the startup benchmark: a plain numpy script that reads the same two CSV files as
`parley counterfactual --flows F --shock S --eps 4 --json` (one sector, no baseline tariffs, deficits
fixed, MODEL.md's model in changes) and iterates to the same answer (max |excess| / Y < 1e-10).
Usage: python3 counterfactual.py FLOWS.csv SHOCK.csv EPS > out.json"""
import json, sys
import numpy as np

flows = np.genfromtxt(sys.argv[1], delimiter=",", names=True, dtype=None, encoding="utf-8")
shock = np.genfromtxt(sys.argv[2], delimiter=",", names=True, dtype=None, encoding="utf-8", filling_values=np.nan)
eps = float(sys.argv[3])
codes = sorted(set(flows["exporter"]) | set(flows["importer"]))
ix = {c: k for k, c in enumerate(codes)}
N = len(codes)
Z = np.zeros((N, N))
Z[[ix[c] for c in flows["exporter"]], [ix[c] for c in flows["importer"]]] = flows["value"]
t1 = np.zeros((N, N))
for e, m, tariff in zip(shock["exporter"], shock["importer"], shock["tariff"]):
    t1[ix[e], ix[m]] = tariff
Y, E = Z.sum(1), Z.sum(0)
D = E - Y
lam_tau = Z / E * (1 + t1) ** -eps
g = 1 / (1 + t1)
w = np.ones(N)
for it in range(5000):
    a = lam_tau * (w ** -eps)[:, None]
    P = a.sum(0)
    share = a / P
    Ep = (w * Y + D) / (1 - (share * (1 - g)).sum(0))
    sales = (share * g * Ep).sum(1)
    if (np.abs(sales - w * Y) / Y).max() < 1e-10:
        break
    w = w * (sales / (w * Y)) ** (1 / (1 + eps))  # tatonnement (Alvarez & Lucas 2007)
    w *= Y.sum() / (w * Y).sum()
R = (share * (1 - g) * Ep).sum(0)
welfare = (w * Y + R) / Y / P ** (-1 / eps)
json.dump({"iterations": it, "economies": [{"code": c, "welfare_pct": 100 * (welfare[k] - 1)} for k, c in enumerate(codes)]}, sys.stdout, indent=2)

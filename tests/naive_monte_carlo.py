"""Slow NumPy twins of wfm._kernels.annealing.anneal and wfm._kernels.lal.replicated_lal.

They draw the same uniform numbers from ``numpy.random.RandomState(seed)`` in the same order as
the kernels, but recompute every energy from scratch, from the model (``model.errors``,
``model.output``) and the definitions of the flip-count and cross-entropy energies
(:func:`training_energy`), and the coupling terms from their definitions, so a kernel that
drifts from the objective it documents disagrees with its twin.
"""
import numpy as np

from wfm._kernels.codes import EXPLICIT, NONE, TRACED

CE_NEUTRAL = 1e-10  # cross-entropy changes below this are energy-neutral (rounding of the sums)


def _log_weight_coupling(mode, gamma, W, centre):
    """C of the robust ensemble: gamma sum_a w^a . c (EXPLICIT) or sum_f log cosh(gamma Sigma_f)."""
    flat = W.reshape(W.shape[0], -1).astype(np.float64)
    if mode == EXPLICIT:
        return gamma * float((flat @ centre.astype(np.float64)).sum())
    if mode == TRACED:
        x = gamma * flat.sum(axis=0)
        return float(np.sum(np.logaddexp(x, -x) - np.log(2.0)))
    return 0.0


def _accept(rs, dE, dC, beta):
    if dE != 0 and np.isinf(beta):
        return dE < 0
    gain = dC - beta * dE if dE != 0 else dC
    if gain >= 0.0:
        return True
    return rs.random_sample() < np.exp(gain)


def _weights(model, Wa):
    return Wa.reshape(model.shape) if hasattr(model, "K") else Wa.reshape(-1)


def _majority(W):
    total = W.reshape(W.shape[0], -1).astype(np.int64).sum(axis=0)
    first = W[0].reshape(-1)
    return np.where(total > 0, 1, np.where(total < 0, -1, first)).astype(np.int8)


def integer_threshold(kappa, N):
    """The largest integer t in [-N - 1, N] with t / sqrt(N) <= kappa (error iff s <= t)."""
    ts = np.arange(-N - 1, N + 1)
    return int(ts[ts / np.sqrt(N) <= kappa].max())


def raw_fields(problem, model, W):
    """Integer hidden fields H (P, K) of a committee, or stabilities-before-labels (P, 1)."""
    X = problem.X.astype(np.int64)
    W = np.asarray(W, dtype=np.int64).reshape(-1, W.shape[-1])
    if not hasattr(model, "K"):
        return X @ W[0][:, None]
    if model.tree:
        return np.einsum("pkj,kj->pk", X.reshape(X.shape[0], model.K, model.n), W)
    return X @ W.T


def training_energy(problem, model, W, energy, gamma=1.0):
    """The energy ``energy`` of the weights W from its definition (mc_energy docstring)."""
    sigma = problem.y.astype(np.int64)
    if energy == "errors":
        return float(model.errors(problem, _weights(model, W)))
    if not hasattr(model, "K"):
        N = model.N
        theta = integer_threshold(model.kappa, N)
        s = sigma * raw_fields(problem, model, W)[:, 0]
        if energy == "linear":
            flips = np.where(s <= theta, (theta - s) // 2 + 1, 0)
            return 2.0 / np.sqrt(N) * flips.sum()
        x = (s - theta) / np.sqrt(N)
        return float(np.sum(np.logaddexp(0.0, -2.0 * gamma * x)) / (2.0 * gamma))
    if energy == "linear":
        H = raw_fields(problem, model, W)
        g = np.where(H > 0, 1, -1)
        total = 0
        if model.output_rule == "parity":
            sign_flips = np.where(H > 0, (H + 1) // 2, (-H) // 2 + 1)
            wrong = np.prod(g, axis=1) != sigma
            return 2.0 / np.sqrt(model.n) * sign_flips.min(axis=1)[wrong].sum()
        for mu in range(problem.P):
            wrong = np.flatnonzero(g[mu] != sigma[mu])
            needed = len(wrong) - (model.K - 1) // 2
            if needed > 0:
                h = H[mu, wrong]
                counts = (-h) // 2 + 1 if sigma[mu] > 0 else (h + 1) // 2
                total += np.sort(counts)[:needed].sum()
        return 2.0 / np.sqrt(model.n) * total
    x = sigma * model.output(problem.X, _weights(model, W)) / np.sqrt(model.K)
    return float(np.sum(np.logaddexp(0.0, -2.0 * gamma * x)) / (2.0 * gamma))


def anneal(problem, model, W, mode, betas, gammas, seed, energy="errors", ce_gammas=None):
    """Return (W, errors, centre, answer, moves, history dict) of the replicated search.

    ``W`` (y, K, n) int8 initial replicas (K = 1 for a perceptron); ``energy`` the energy
    minimised (:func:`training_energy`, at the gamma ``ce_gammas[sweep]``); success is zero
    training errors.
    """
    rs = np.random.RandomState(seed)
    W = W.copy()
    y, K, n = W.shape
    Nw = K * n
    ce_gammas = np.ones(len(betas)) if ce_gammas is None else ce_gammas
    errors_of = lambda a: model.errors(problem, _weights(model, W[a]))  # noqa: E731
    errors = np.array([errors_of(a) for a in range(y)])
    centre = _majority(W)
    keys = ("energy", "best", "errors", "best_errors", "centre_errors", "distance", "acceptance")
    history = {key: [] for key in keys}
    moves = 0
    for beta, gamma, ce_gamma in zip(betas, gammas, ce_gammas):
        energy_of = lambda a: training_energy(problem, model, W[a], energy, ce_gamma)  # noqa: E731
        energies = np.array([energy_of(a) for a in range(y)])
        accepted = 0
        for _ in range(Nw):
            for a in range(y):
                f = int(rs.random_sample() * Nw)
                k, j = divmod(f, n)
                C_old = _log_weight_coupling(mode, gamma, W, centre)
                E_old = energy_of(a)
                W[a, k, j] *= -1
                dE = energy_of(a) - E_old
                if energy == "ce" and abs(dE) < CE_NEUTRAL:
                    dE = 0.0
                dC = _log_weight_coupling(mode, gamma, W, centre) - C_old
                if _accept(rs, dE, dC, beta):
                    energies[a] += dE
                    errors[a] = errors_of(a)
                    accepted += 1
                else:
                    W[a, k, j] *= -1
                moves += 1
                if mode == EXPLICIT:
                    C_old = _log_weight_coupling(mode, gamma, W, centre)
                    centre[f] *= -1
                    if not _accept(rs, 0, _log_weight_coupling(mode, gamma, W, centre) - C_old, beta):
                        centre[f] *= -1
                if errors[a] == 0:
                    return W, errors, centre, a, moves, history
        history["energy"].append(energies.mean())
        history["best"].append(energies.min())
        history["errors"].append(errors.mean())
        history["best_errors"].append(errors.min())
        history["acceptance"].append(accepted / (Nw * y))
        history["centre_errors"].append(-1)
        history["distance"].append(0.0)
        if mode != NONE:
            if mode == TRACED:
                centre = _majority(W)
            flat = W.reshape(y, -1).astype(np.float64)
            history["distance"][-1] = float(np.mean(0.5 * (1.0 - flat @ centre / Nw)))
            centre_errors = model.errors(problem, _weights(model, centre))
            history["centre_errors"][-1] = centre_errors
            if centre_errors == 0:
                return W, errors, centre, y, moves, history
    return W, errors, centre, -1, moves, history


def bit_set(members):
    """Bit set of a boolean array (..., P) as uint64 words (..., ceil(P / 64)): bit mu % 64 of
    word mu // 64 is members[..., mu] (the layout of annealing.pack_positive and band_rebuild)."""
    P = members.shape[-1]
    words = -(-P // 64)
    padded = np.zeros(members.shape[:-1] + (64 * words,), dtype=np.uint64)
    padded[..., :P] = members
    weights = np.uint64(1) << np.arange(64, dtype=np.uint64)
    return (padded.reshape(members.shape[:-1] + (words, 64)) * weights).sum(axis=-1, dtype=np.uint64)


def band(s, threshold):
    """(bit set, count, errors) of the patterns with theta - 1 <= s_mu <= theta + 2, errors
    those of them with s_mu <= theta."""
    inside = (s >= threshold - 1) & (s <= threshold + 2)
    return bit_set(inside), int(inside.sum()), int((inside & (s <= threshold)).sum())


def _network(h, binary):
    return np.where(h > 0, 1.0, -1.0) if binary else h


def _lambda(problem, model, h, binary, mu):
    """Raw hidden fields of pattern mu (no 1/sqrt(n))."""
    w = _network(h, binary)
    x = problem.X[mu].astype(np.float64)
    if model.tree:
        return np.einsum("kj,kj->k", w, x.reshape(model.K, model.n))
    return w @ x


def elal(problem, model, h, binary, eta, batch, kick, gammas, seed):
    """Return (h, centre, answer, epochs) of entropic least-action learning (replicated LAL).

    Rounds of one mini-batch per replica in a shuffled order; a mini-batch sums the LAL steps of
    ``batch`` iid patterns at fixed weights, then applies them and the kick towards the
    traced-out centre (Baldassi et al. 2016, eq. C7), the mean m of the weights taken before
    the replica's step: binary h += kick (tanh(gamma y m) - w), continuous
    h += min(kick gamma, 1) (m - w).
    """
    rs = np.random.RandomState(seed)
    h = h.copy()
    y, K = h.shape[0], model.K
    P = problem.P
    errors = lambda w: model.errors(problem, w)  # noqa: E731
    rounds = -(-P // batch)
    order = np.arange(y)
    for epoch, gamma in enumerate(gammas):
        for _ in range(rounds):
            for i in range(y - 1, 0, -1):
                j = int(rs.random_sample() * (i + 1))
                order[[i, j]] = order[[j, i]]
            for a in order:
                m = _network(h, binary).mean(axis=0)
                step = np.zeros_like(h[a])
                for _ in range(batch):
                    mu = int(rs.random_sample() * P)
                    sigma = problem.y[mu]
                    lam = _lambda(problem, model, h[a], binary, mu)
                    units = np.where(lam > 0, 1, -1)
                    needed = (K + 1) // 2 - int(np.sum(units == sigma))
                    if needed <= 0:
                        continue
                    wrong = [k for k in range(K) if units[k] != sigma]
                    wrong.sort(key=lambda k: (abs(lam[k]), k))
                    x = problem.X[mu].astype(np.float64)
                    for k in wrong[:needed]:
                        step[k] += eta * sigma * (x[k * model.n:(k + 1) * model.n] if model.tree else x)
                h[a] += step
                if kick > 0:
                    w = _network(h[a], binary)
                    if binary:
                        h[a] += kick * (np.tanh(gamma * y * m) - w)
                    else:
                        h[a] += min(kick * gamma, 1.0) * (m - w)
        centre = _network(h, binary).mean(axis=0)
        replica_errors = [errors(_network(h[a], binary)) for a in range(y)]
        if errors(_network(centre, binary)) == 0:
            return h, centre, y, epoch + 1
        if 0 in replica_errors:
            return h, centre, replica_errors.index(0), epoch + 1
    return h, centre, -1, len(gammas)

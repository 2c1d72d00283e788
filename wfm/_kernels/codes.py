"""The integer codes the kernels share: one table, so that a number means the same thing in every
kernel and in every module that passes it.

Numba compiles these module-level integers into the kernels as constants. Its on-disk cache is
keyed on the source file of each kernel, not on this one: after changing a value here, delete
the cache (``NUMBA_CACHE_DIR``, or the ``__pycache__`` folders of ``wfm/_kernels``).
"""

# Output rule of a network (conventions of wfm.models): the ``rule`` of the energy
# (wfm._kernels.energy), error-count (wfm._kernels.committee_errors) and enumeration
# (wfm._kernels.enumeration) kernels, and the ``activation`` of the SGD kernels (wfm._kernels.sgd).
PERCEPTRON = 0  # one unit: a pattern is satisfied when sigma w.xi / |w| > kappa
SIGN = 1  # sign units, output sum_k v_k sign(lambda_k) (the majority vote when every v_k = 1);
#           the SGD kernels train them through the surrogate tanh(beta lambda)
RELU = 2  # ReLU units, output sum_k v_k max(0, lambda_k)
PARITY = 3  # sign units, output prod_k sign(lambda_k)

# Coupling of the replicas in the robust-ensemble Monte Carlo (wfm._kernels.annealing).
NONE = 0  # no coupling: independent replicas
EXPLICIT = 1  # gamma sum_a w^a . c with an explicit binary centre c
TRACED = 2  # the centre summed out: sum_f log(2 cosh(gamma sum_a w^a_f))

# Outcome of the recomputation check of the incremental Monte Carlo state (annealing.verify_state).
CHECK_OK = 0
CHECK_FIELDS = 1  # stabilities or hidden fields differ from their recomputation
CHECK_ENERGY = 2  # energies differ
CHECK_SUMS = 3  # site sums over the replicas differ
CHECK_MINIMISED = 4  # flip-count or cross-entropy state differs (annealing.verify_minimised)

# Energy minimised by the Monte Carlo searches (wfm._kernels.annealing, wfm._kernels.mc_energy).
ERRORS = 0  # the number of misclassified patterns
LINEAR = 1  # the flip count: per pattern, the fewest weight flips that satisfy it
CE = 2  # the cross-entropy of the stabilities (or output fields)

# Norm control of an SGD epoch (wfm._kernels.sgd.sgd_epoch).
FREE_NORM = 0  # plain steps, the norm is free
NORMALIZE = 1  # project every unit back to its norm after each step
WEIGHT_DECAY = 2  # add weight_decay * theta to every step


def rule(model):
    """The output-rule code of a model.

    Parameters
    ----------
    model : wfm.models.Perceptron or wfm.models.Committee

    Returns
    -------
    int
        PERCEPTRON, SIGN, RELU or PARITY.
    """
    if not hasattr(model, "K"):
        return PERCEPTRON
    if model.output_rule == "parity":
        return PARITY
    return RELU if model.activation == "relu" else SIGN

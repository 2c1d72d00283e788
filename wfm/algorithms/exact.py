"""Placeholder removed once wfm.exact lands."""

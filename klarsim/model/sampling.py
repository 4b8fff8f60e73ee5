"""Turns distribution specs into vectorised samplers (``(generator, size) -> array``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import singledispatch

import numpy as np

from klarsim.config.distributions import (
    Deterministic,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Uniform,
)

Sampler = Callable[[np.random.Generator, int], np.ndarray]


@singledispatch
def sampler(spec: object) -> Sampler:
    """A function drawing ``size`` values of ``spec`` from a generator."""
    raise TypeError(f"no sampler for {type(spec).__name__}")


@sampler.register
def _(spec: Exponential) -> Sampler:
    return lambda generator, size: generator.exponential(spec.mean, size)


@sampler.register
def _(spec: Lognormal) -> Sampler:
    sigma = math.sqrt(math.log1p(spec.cv**2))
    mu = math.log(spec.mean) - sigma**2 / 2
    return lambda generator, size: generator.lognormal(mu, sigma, size)


@sampler.register
def _(spec: Gamma) -> Sampler:
    shape = 1 / spec.cv**2
    scale = spec.mean * spec.cv**2
    return lambda generator, size: generator.gamma(shape, scale, size)


@sampler.register
def _(spec: Deterministic) -> Sampler:
    return lambda generator, size: np.full(size, spec.value)


@sampler.register
def _(spec: Uniform) -> Sampler:
    return lambda generator, size: generator.uniform(spec.low, spec.high, size)


@sampler.register
def _(spec: Empirical) -> Sampler:
    values = np.asarray(spec.values, dtype=float)
    return lambda generator, size: generator.choice(values, size)


def uniform_sampler(generator: np.random.Generator, size: int) -> np.ndarray:
    """Standard uniforms on [0, 1), for decisions made by comparing against probabilities."""
    return generator.random(size)

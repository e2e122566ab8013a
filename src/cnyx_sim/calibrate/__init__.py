"""Growth calibration (``cnyx-sim calibrate``): fit, uncertainty, validation and report (docs/model.md 5.6).

The pipeline, for a cutoff year ``C`` (default 2021):

1. :mod:`~cnyx_sim.calibrate.observations` - the forecaster's information set: observations up to ``C``
   (best-quality rows, derived growth flagged) and the backcast's start state.
2. :mod:`~cnyx_sim.calibrate.fit` - a penalised least-squares (MAP) fit by simulation: the model itself is
   stepped from the start year to ``C``; its Laplace covariance gives the posterior draws.
3. :mod:`~cnyx_sim.calibrate.shocks` - common and unit shock variances from the fit's residuals.
4. :mod:`~cnyx_sim.calibrate.macro` - national growth and prices beyond ``C`` from forecasts published by then.
5. :mod:`~cnyx_sim.calibrate.validation` - backcast, pseudo out-of-sample forecast, naive benchmarks.
6. :mod:`~cnyx_sim.calibrate.output` - the fitted parameter file the baseline extends, its draws, the report.
"""

"""An EM session that Splink abandons (an m underflowing below 1e-300) leaves the model as it was."""

from __future__ import annotations

from types import SimpleNamespace

from lantern.resolve import model


class _Training:
    def __init__(self, linker: SimpleNamespace, failing: set[int]) -> None:
        self.linker, self.failing, self.sessions = linker, failing, 0

    def estimate_probability_two_random_records_match(
        self, *args: object, **kwargs: object
    ) -> None:
        return None

    def estimate_u_using_random_sampling(self, *args: object, **kwargs: object) -> None:
        return None

    def estimate_parameters_using_expectation_maximisation(
        self, rule: object, **kwargs: object
    ) -> None:
        self.sessions += 1
        self.linker._settings_obj = SimpleNamespace(comparisons=[], session=self.sessions)
        if self.sessions in self.failing:  # Splink raises mid-session, its settings half-changed
            self.linker._settings_obj = SimpleNamespace(comparisons=None)
            raise ValueError(
                "m_probability value 1.4e-308 is below the minimum allowed value of 1e-300"
            )


def _linker(failing: set[int]) -> SimpleNamespace:
    linker = SimpleNamespace(_settings_obj=SimpleNamespace(comparisons=[], session=0))
    linker.training = _Training(linker, failing)
    return linker


def test_an_underflowing_session_is_abandoned_and_the_model_before_it_stands() -> None:
    linker = _linker(failing={2})
    log = model.train(linker, use_em=True)
    assert linker.training.sessions == len(model.TRAINING_BLOCKING)
    assert linker._settings_obj.session == 1  # the first session's estimates, not the broken ones
    assert any("abandoned" in line and "1e-300" in line for line in log)


def test_sessions_that_succeed_are_kept() -> None:
    linker = _linker(failing=set())
    log = model.train(linker, use_em=True)
    assert linker._settings_obj.session == len(model.TRAINING_BLOCKING)
    assert not any("abandoned" in line for line in log)

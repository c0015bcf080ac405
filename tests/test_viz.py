"""dlbasics.viz: the running mean the live loss plot draws, and the plot itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dlbasics as dl
from dlbasics.viz import LivePlot, running_mean


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=40), st.integers(1, 50))
def test_running_mean_is_the_mean_of_the_last_window_values(values: list[float], window: int) -> None:
    got = running_mean(values, window)
    want = [np.mean(values[max(0, i + 1 - window):i + 1]) for i in range(len(values))]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


def test_live_plot_draws_the_raw_loss_and_its_running_mean(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython.display

    class Handle:
        def update(self, fig: object) -> None:
            pass

    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: Handle())
    X, y = dl.make_blobs(64, rng=0)
    net = dl.mlp([2, 2], rng=0)
    live = LivePlot(smooth=5)
    dl.fit(net, X, y, optimizer=dl.SGD(net.parameters(), lr=0.1), epochs=2, batch_size=8, rng=0,
           callbacks=[live], callback_every=4)
    raw_x, raw_y = live.line.get_data()
    mean_x, mean_y = live.mean_line.get_data()
    assert len(raw_x) == 16 and list(mean_x) == list(raw_x)
    np.testing.assert_allclose(mean_y, running_mean(raw_y, 5))
    labels = [t.get_text() for t in live.ax_loss.get_legend().get_texts()]
    assert labels == ["loss per step", "mean of the last 5 steps"]
    assert LivePlot(smooth=1).mean_line is None

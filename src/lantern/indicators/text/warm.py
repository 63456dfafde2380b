"""Imported by the text workers' forkserver: builds the analyser once there, so each worker
forked from it starts with the analyser built (`analyse.analyse_many`)."""

from lantern.indicators.text.analyse import shared_analyser

shared_analyser()

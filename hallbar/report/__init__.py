"""The sustainability report (hållbarhetsbokslut): compile, review, decide, publish frozen editions."""

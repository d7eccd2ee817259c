"""Interchange formats: one module per format, each reading files into ``DocumentIn``
records and/or writing a project out, with a report of anything it could not hold."""

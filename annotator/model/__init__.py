"""Records every layer shares, with no I/O: documents, spans, links and changes
(``records``), the label schema, errors, offsets, name rules, the command table, import
records (``imports``) and change summaries (``changes``)."""

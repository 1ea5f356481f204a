"""Reading, validating and writing: inputs into records, strict JSON, the schema check,
the writers of every format, safe text, atomic files, .eml drafts, configuration files."""

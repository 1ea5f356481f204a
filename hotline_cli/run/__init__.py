"""Running commands: the command table with its hooks, the pipeline, the worker pool."""

"""The procedure itself, pure: the case, its journey, the calendar, each command's decision,
the mandated texts and labels. Nothing here prints, exits, opens files, reads the
environment or the clock, or imports anything of the package outside this folder."""

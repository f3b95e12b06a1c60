"""Reference frameworks (SLO kerndoelen, curriculum.nu bouwstenen), the crosswalk to our goals, and DUO imports."""

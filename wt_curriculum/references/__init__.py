"""Reference frameworks (SLO kerndoelen, curriculum.nu bouwstenen), their import, and the crosswalk to our goals."""

"""Cell variants side by side: layouts, scene and the Compare Variants window."""

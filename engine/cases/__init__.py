"""Case readers: one reader for person, institution and attribution cases (locations, dates, readings,
rulebook id, schema errors), and the typed events evaluation reads."""

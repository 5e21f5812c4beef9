"""Export domain: streaming writers for CSV, JSON lines and XLSX."""

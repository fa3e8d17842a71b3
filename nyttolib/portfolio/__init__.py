"""The portfolio office's view of all initiatives: summary rows, queries, prioritisation, register, import
and report. Widget-free; pandas is imported only where tables are the work, never at `import nyttolib`."""

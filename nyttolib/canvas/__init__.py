"""The project canvas (projektcanvas) and the need that comes before it (seed 004, Helsingborg): the model,
its content, its store on DocumentStore("canvas"), its export, and the assessment started from it."""

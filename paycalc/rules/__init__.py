"""The compiled rule objects (`compiled`) and the plain date and calendar facts both
evaluators share (`dates`, `holiday_days`): no pydantic, no Polars."""

"""Reading agreements: YAML with source locations (`load`), the language models
(`language/`, `validate`), `extends:` and `use:` (`resolve`) and the compiler (`compile`)
into rule objects (`paycalc.rules`); problems, the JSON Schema, the language docs and
`paycalc show`. Imports no Polars."""

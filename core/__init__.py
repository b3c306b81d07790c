"""The ground floor: what every app may use and that knows no app.

Abstract models and versioned edits, the authorization idiom's plumbing, uploads and their content
check, CSV and download responses, the security log, enqueue-on-commit, caching, lookups, reference
choices and the forms renderer. Nothing here imports `parties`, `actions`, `meetings`, `evaluation`
or `pragueprocess`.
"""

package api

// QueryParams returns the query parameters a route accepts, so that the
// tests can hold them against the OpenAPI document.
func QueryParams(a *API, pattern string) []string { return a.queryParams(pattern) }

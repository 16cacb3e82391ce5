// Package app holds PX360's domain language: the types every layer shares, the roles
// and permissions, the error type with codes, and the rules that need no I/O. It imports
// the standard library only, so the store, the views and the services can all speak it.
package app

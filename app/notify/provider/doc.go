// Package provider holds the clients that put one rendered notification on the wire:
// SMTP email (go-mail), Unifonic and Twilio SMS, a configurable HTTP SMS gateway and the
// WhatsApp Cloud API. It also verifies and parses the providers' delivery callbacks.
//
// Every failure is a *Error that says whether retrying can help (IsPermanent), so the
// caller's retry loop needs no knowledge of any provider. The package has no state
// beyond each sender's configuration and talks to whatever base URL it is given, which
// lets tests use the fakes in providertest on 127.0.0.1.
package provider

package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"px360/app"
)

type claims struct {
	SessionVersion int64 `json:"sv"`
	jwt.RegisteredClaims
}

// IssueToken returns a short-lived HS256 access token for u and its lifetime. The token
// carries the session version, so "sign out everywhere" also revokes tokens.
func (s *Service) IssueToken(u *app.User) (string, time.Duration, error) {
	now := s.now()
	c := claims{SessionVersion: u.SessionVersion, RegisteredClaims: jwt.RegisteredClaims{
		Subject: u.ID, Issuer: "px360", Audience: jwt.ClaimStrings{"px360-api"},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(s.TokenTTL)),
	}}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.tokenKey)
	return tok, s.TokenTTL, err
}

// ErrBadToken is returned for an invalid, expired or revoked token.
var ErrBadToken = &app.Error{Code: app.EUnauthorized, Message: "err.bad_token"}

// UserForToken verifies a bearer token and returns its active user.
func (s *Service) UserForToken(ctx context.Context, token string) (*app.User, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.tokenKey, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer("px360"), jwt.WithAudience("px360-api"),
		jwt.WithTimeFunc(s.now), jwt.WithExpirationRequired())
	if err != nil {
		return nil, ErrBadToken
	}
	u, err := s.Active(ctx, c.Subject, c.SessionVersion)
	if errors.Is(err, app.ErrNotFound) {
		return nil, ErrBadToken
	}
	return u, err
}

package web

import (
	"net/http"
	"net/url"
	"strconv"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/accounts"
	"px360/store"
	"px360/views"
)

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	q, fl := listQuery(r)
	p, err := s.accounts.ListUsers(r.Context(), principal(r), store.UserQuery{ListQuery: q})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.UserList(s.frame(r), p, fl))
}

func ids(v []int64) []string {
	out := make([]string, len(v))
	for i, id := range v {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}

func userValues(u *app.User) url.Values {
	return url.Values{"email": {u.Email}, "name": {u.Name}, "role": {string(u.Role)}, "language": {u.Language},
		"hospitals": ids(u.HospitalIDs), "departments": ids(u.DepartmentIDs), "active": {boolString(u.Active)}}
}

func parseIDs(vs []string, field string, fe app.FieldErrors) []int64 {
	var out []int64
	for _, v := range vs {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			fe.Add(field, "err.choose_option")
			continue
		}
		out = append(out, n)
	}
	return out
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.UserForm(s.frame(r), "", views.Form{Values: userValues(&app.User{Language: "en", Role: app.RoleStaff})}, ds, ""))
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) {
	u, err := s.accounts.User(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, ds := s.departmentsByID(r)
	link := s.sessions.PopString(r.Context(), "reset_link")
	s.render(w, r, http.StatusOK, views.UserForm(s.frame(r), u.ID, views.Form{Values: userValues(u)}, ds, link))
}

func (s *Server) userSave(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	fe := app.FieldErrors{}
	in := accounts.UserInput{Email: form.Get("email"), Name: form.Get("name"), Role: app.Role(form.Get("role")),
		Language: form.Get("language"), HospitalIDs: parseIDs(form["hospitals"], "hospitals", fe),
		DepartmentIDs: parseIDs(form["departments"], "departments", fe), Active: form.Get("active") != "", Password: form.Get("password")}
	err := submit(fe, func() error {
		var err error
		if id == "" {
			_, err = s.accounts.CreateUser(r.Context(), principal(r), in)
		} else {
			_, err = s.accounts.UpdateUser(r.Context(), principal(r), id, in)
		}
		return err
	})
	s.afterSave(w, r, err, "/admin/users", func(errs app.FieldErrors) g.Node {
		_, ds := s.departmentsByID(r)
		form.Del("password")
		return views.UserForm(s.frame(r), id, views.Form{Values: form, Errors: errs}, ds, "")
	})
}

// userResetLink issues a one-time reset link and shows it once on the user's page.
func (s *Server) userResetLink(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	token, err := s.accounts.IssueResetLink(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	s.sessions.Put(r.Context(), "reset_link", scheme+"://"+r.Host+"/password/reset/"+token)
	http.Redirect(w, r, "/admin/users/"+id, http.StatusSeeOther)
}

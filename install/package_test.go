package install

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// buildDeb runs install/build.sh's deb step on a stand-in binary (a shell script: the
// package, not the program, is under test here) and returns the .deb. Without dpkg-deb
// the test is skipped, except in CI.
func buildDeb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dpkg-deb is required in CI")
		}
		t.Skip("dpkg-deb not found (Debian's dpkg package): the .deb cannot be built here")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "px360-linux")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho px360 stand-in \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dist := filepath.Join(dir, "dist")
	cmd := exec.Command("bash", "build.sh", "deb")
	cmd.Env = append(os.Environ(), "DIST="+dist, "VERSION=v1.2.3", "PX360_BIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh deb: %v\n%s", err, out)
	}
	deb := filepath.Join(dist, "px360_1.2.3_amd64.deb")
	if _, err := os.Stat(deb); err != nil {
		t.Fatalf("no .deb named for the version: %v", err)
	}
	return deb
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestDebPackage builds the .deb, unpacks it into a scratch root (dpkg-deb -x and -e)
// and checks its files, control fields and unit, then runs its maintainer scripts
// against that root with the system commands they call replaced by recorders: install,
// a second install, an upgrade, a removal (data kept) and a purge (data gone).
func TestDebPackage(t *testing.T) {
	deb := buildDeb(t)
	root, control := t.TempDir(), t.TempDir()
	runTool(t, "dpkg-deb", "-x", deb, root)
	runTool(t, "dpkg-deb", "-e", deb, control)

	t.Run("files", func(t *testing.T) {
		fi, err := os.Stat(filepath.Join(root, "usr/bin/px360"))
		if err != nil || fi.Mode().Perm() != 0o755 {
			t.Fatalf("usr/bin/px360: %v %v, want an executable (0755)", fi, err)
		}
		out, err := exec.Command(filepath.Join(root, "usr/bin/px360"), "version").Output()
		if err != nil || !strings.Contains(string(out), "stand-in version") {
			t.Errorf("the packaged binary is not the one given: %q %v", out, err)
		}
		for _, f := range []string{"usr/lib/systemd/system/px360.service", "usr/share/doc/px360/README"} {
			if fi, err := os.Stat(filepath.Join(root, f)); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("%s: %v %v, want 0644", f, fi, err)
			}
		}
		listing := runTool(t, "dpkg-deb", "-c", deb)
		if strings.Contains(listing, "var/lib/px360") {
			t.Error("the package ships /var/lib/px360: data must be made by postinst, so removal never deletes it")
		}
		for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
			if !strings.Contains(line, " root/root ") {
				t.Errorf("not owned by root: %s", line)
			}
		}
	})

	t.Run("control", func(t *testing.T) {
		for field, want := range map[string]string{"Package": "px360", "Version": "1.2.3", "Architecture": "amd64",
			"Section": "web", "Priority": "optional"} {
			if got := strings.TrimSpace(runTool(t, "dpkg-deb", "-f", deb, field)); got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
		for _, field := range []string{"Maintainer", "Installed-Size", "Description"} {
			if strings.TrimSpace(runTool(t, "dpkg-deb", "-f", deb, field)) == "" {
				t.Errorf("%s is empty", field)
			}
		}
		for _, s := range []string{"postinst", "prerm", "postrm"} {
			b, err := os.ReadFile(filepath.Join(control, s))
			fi, _ := os.Stat(filepath.Join(control, s))
			if err != nil || fi.Mode().Perm() != 0o755 || !bytes.HasPrefix(b, []byte("#!/bin/sh\n")) ||
				!regexp.MustCompile(`(?m)^set -e$`).Match(b) {
				t.Errorf("%s: want an executable /bin/sh script with set -e (%v)", s, err)
			}
			if out, err := exec.Command("sh", "-n", filepath.Join(control, s)).CombinedOutput(); err != nil {
				t.Errorf("%s: syntax: %v %s", s, err, out)
			}
		}
	})

	t.Run("unit", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(root, "usr/lib/systemd/system/px360.service"))
		if err != nil {
			t.Fatal(err)
		}
		unit := unitKeys(string(b))
		for key, want := range map[string]string{
			"ExecStart": "/usr/bin/px360 serve --data /var/lib/px360", "User": "px360", "Group": "px360",
			"Restart": "on-failure", "WantedBy": "multi-user.target", "After": "network-online.target",
		} {
			if got := unit[key]; got != want {
				t.Errorf("%s=%q, want %q", key, got, want)
			}
		}
		if !strings.Contains(unit["ReadWritePaths"], "/var/lib/px360") {
			t.Errorf("ReadWritePaths=%q: the data directory must stay writable", unit["ReadWritePaths"])
		}
	})

	sh := newScriptHost(t, root, control)

	t.Run("install", func(t *testing.T) {
		log := sh.run(t, "postinst", "configure")
		if !sh.hasUser() {
			t.Fatalf("postinst made no px360 user:\n%s", log)
		}
		if !strings.Contains(log, "adduser --system --group --home /var/lib/px360") {
			t.Errorf("the user is not a system user with its own group and /var/lib/px360 as home:\n%s", log)
		}
		fi, err := os.Stat(filepath.Join(root, "var/lib/px360"))
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o750 {
			t.Fatalf("/var/lib/px360: %v %v, want a directory 0750", fi, err)
		}
		sh.inOrder(t, log, "chown px360:px360 "+root+"/var/lib/px360", "systemctl daemon-reload",
			"systemctl enable px360.service", "systemctl restart px360.service")
		if strings.Contains(log, "migrate") {
			t.Errorf("a first install migrated:\n%s", log)
		}
	})

	t.Run("install again", func(t *testing.T) {
		log := sh.run(t, "postinst", "configure")
		if strings.Contains(log, "adduser") || strings.Contains(log, "useradd") {
			t.Errorf("a second run made the user again:\n%s", log)
		}
		sh.inOrder(t, log, "systemctl restart px360.service")
	})

	t.Run("upgrade stops, migrates as px360, starts", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(root, "var/lib/px360/px360.db"), []byte("db"), 0o600); err != nil {
			t.Fatal(err)
		}
		log := sh.run(t, "prerm", "upgrade", "1.2.4")
		sh.inOrder(t, log, "systemctl stop px360.service")
		if strings.Contains(log, "disable") {
			t.Errorf("an upgrade disabled the service:\n%s", log)
		}
		log = sh.run(t, "postinst", "configure", "1.2.2")
		sh.inOrder(t, log, "runuser -u px360 -- "+root+"/usr/bin/px360 migrate --data "+root+"/var/lib/px360",
			"systemctl restart px360.service")
	})

	t.Run("without adduser, useradd", func(t *testing.T) {
		other := newScriptHost(t, t.TempDir(), control)
		other.hide("adduser")
		log := other.run(t, "postinst", "configure")
		if !strings.Contains(log, "useradd --system --user-group --home-dir /var/lib/px360") || !other.hasUser() {
			t.Errorf("no system user from useradd:\n%s", log)
		}
	})

	t.Run("without systemd", func(t *testing.T) {
		other := newScriptHost(t, t.TempDir(), control)
		if err := os.RemoveAll(filepath.Join(other.root, "run")); err != nil {
			t.Fatal(err)
		}
		for _, s := range [][]string{{"postinst", "configure"}, {"prerm", "remove"}, {"postrm", "purge"}} {
			if log := other.run(t, s...); strings.Contains(log, "systemctl") {
				t.Errorf("%v called systemctl with systemd not running:\n%s", s, log)
			}
		}
	})

	t.Run("remove keeps the data", func(t *testing.T) {
		log := sh.run(t, "prerm", "remove")
		sh.inOrder(t, log, "systemctl stop px360.service", "systemctl disable px360.service")
		log = sh.run(t, "postrm", "remove")
		if _, err := os.Stat(filepath.Join(root, "var/lib/px360/px360.db")); err != nil {
			t.Fatalf("removal deleted the data: %v\n%s", err, log)
		}
		if !sh.hasUser() || strings.Contains(log, "deluser") {
			t.Errorf("removal deleted the px360 user:\n%s", log)
		}
	})

	t.Run("purge deletes the data and the user", func(t *testing.T) {
		log := sh.run(t, "postrm", "purge")
		if _, err := os.Stat(filepath.Join(root, "var/lib/px360")); !os.IsNotExist(err) {
			t.Errorf("purge kept /var/lib/px360: %v", err)
		}
		if sh.hasUser() || !strings.Contains(log, "deluser --system --quiet px360") {
			t.Errorf("purge kept the px360 user:\n%s", log)
		}
		if !strings.Contains(log, "systemctl daemon-reload") {
			t.Errorf("purge did not reload systemd:\n%s", log)
		}
	})
}

// unitKeys reads a systemd unit's Key=Value lines (the last one of a key wins).
func unitKeys(unit string) map[string]string {
	keys := map[string]string{}
	for _, line := range strings.Split(unit, "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			keys[k] = v
		}
	}
	return keys
}

// scriptHost runs maintainer scripts with DPKG_ROOT set to a scratch root that looks as
// if systemd runs there, and with every system command they may call (getent, adduser,
// useradd, deluser, userdel, delgroup, groupdel, chown, runuser, systemctl,
// deb-systemd-helper) replaced by a recorder that logs its arguments; adduser and
// useradd add px360 to a scratch user list that getent reads, deluser and userdel take
// it off. The real /usr/sbin is not on PATH.
type scriptHost struct {
	root, control, bin, users, log string
}

func newScriptHost(t *testing.T, root, control string) *scriptHost {
	t.Helper()
	dir := t.TempDir()
	h := &scriptHost{root: root, control: control, bin: filepath.Join(dir, "bin"), users: filepath.Join(dir, "users"),
		log: filepath.Join(dir, "log")}
	if err := os.MkdirAll(h.bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "run/systemd/system"), 0o755); err != nil {
		t.Fatal(err)
	}
	record := `echo "$(basename "$0") $*" >>"$SCRIPT_LOG"` + "\n"
	last := `eval "name=\${$#}"` + "\n"
	tools := map[string]string{
		"getent":  `[ "$1" = passwd ] || [ "$1" = group ] || exit 2; grep -qx "$2" "$SCRIPT_USERS" 2>/dev/null || exit 2; echo "$2:x:999:999::/var/lib/px360:/usr/sbin/nologin"` + "\n",
		"adduser": record + last + `echo "$name" >>"$SCRIPT_USERS"` + "\n",
		"useradd": record + last + `echo "$name" >>"$SCRIPT_USERS"` + "\n",
		"deluser": record + `grep -vx px360 "$SCRIPT_USERS" >"$SCRIPT_USERS.new" || true; mv "$SCRIPT_USERS.new" "$SCRIPT_USERS"` + "\n",
		"userdel": record + `grep -vx px360 "$SCRIPT_USERS" >"$SCRIPT_USERS.new" || true; mv "$SCRIPT_USERS.new" "$SCRIPT_USERS"` + "\n",
	}
	for _, name := range []string{"delgroup", "groupdel", "chown", "runuser", "su", "systemctl", "deb-systemd-helper"} {
		tools[name] = record
	}
	for name, body := range tools {
		if err := os.WriteFile(filepath.Join(h.bin, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// hide removes a command, as on a system without it.
func (h *scriptHost) hide(name string) { _ = os.Remove(filepath.Join(h.bin, name)) }

func (h *scriptHost) hasUser() bool {
	b, _ := os.ReadFile(h.users)
	return slices.Contains(strings.Fields(string(b)), "px360")
}

// run runs a maintainer script with args and returns what it called.
func (h *scriptHost) run(t *testing.T, args ...string) string {
	t.Helper()
	_ = os.Remove(h.log)
	cmd := exec.Command("sh", append([]string{filepath.Join(h.control, args[0])}, args[1:]...)...)
	cmd.Env = []string{"PATH=" + h.bin + ":/usr/bin:/bin", "DPKG_ROOT=" + h.root, "SCRIPT_LOG=" + h.log,
		"SCRIPT_USERS=" + h.users, "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	b, _ := os.ReadFile(h.log)
	return string(b)
}

// inOrder fails unless log has each call, in this order.
func (h *scriptHost) inOrder(t *testing.T, log string, calls ...string) {
	t.Helper()
	at := 0
	for _, c := range calls {
		i := strings.Index(log[at:], c)
		if i < 0 {
			t.Errorf("no %q (in this order) in the calls:\n%s", c, log)
			return
		}
		at += i + len(c)
	}
}

// nsiSection is one Section … SectionEnd of the NSIS script.
type nsiSection struct {
	name     string
	selected bool // false for "Section /o": unticked unless the person ticks it
	body     []string
}

// readNSIS returns the script's lines without comments, and its sections.
func readNSIS(t *testing.T) ([]string, []nsiSection) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("windows", "px360.nsi"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, ";") && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	head := regexp.MustCompile(`^Section\s+(/o\s+)?"([^"]*)"`)
	var secs []nsiSection
	var cur *nsiSection
	for _, l := range lines {
		switch m := head.FindStringSubmatch(l); {
		case m != nil:
			secs = append(secs, nsiSection{name: m[2], selected: m[1] == ""})
			cur = &secs[len(secs)-1]
		case l == "SectionEnd":
			cur = nil
		case cur != nil:
			cur.body = append(cur.body, l)
		}
	}
	return lines, secs
}

func has(lines []string, re string) int {
	r := regexp.MustCompile(re)
	return slices.IndexFunc(lines, r.MatchString)
}

// TestWindowsInstallerScript reads install/windows/px360.nsi: an elevated Modern UI 2
// installer in English and Arabic that installs and starts the service, opens the
// firewall only after a yes, links the web address in the Start menu, and whose
// uninstaller removes the service but keeps DATA unless "remove data" is ticked. With
// makensis on the machine it also compiles the script.
func TestWindowsInstallerScript(t *testing.T) {
	lines, secs := readNSIS(t)
	for _, re := range []string{`^Unicode true$`, `^RequestExecutionLevel admin$`, `^!include "MUI2.nsh"$`,
		`^!insertmacro MUI_LANGUAGE "English"$`, `^!insertmacro MUI_LANGUAGE "Arabic"$`, `^!insertmacro MUI_UNPAGE_COMPONENTS$`,
		`^InstallDir "\$PROGRAMFILES64\\PX360"$`} {
		if has(lines, re) < 0 {
			t.Errorf("no line matching %s", re)
		}
	}
	// DATA is %ProgramData%\PX360, the service's default, for the installer and the uninstaller.
	for _, fn := range []string{".onInit", "un.onInit"} {
		i := slices.Index(lines, "Function "+fn)
		end := i + slices.Index(lines[max(i, 0):], "FunctionEnd")
		if i < 0 || end < i || has(lines[i:end], `^SetShellVarContext all$`) < 0 || has(lines[i:end], `^StrCpy \$DataDir "\$APPDATA\\PX360"$`) < 0 {
			t.Errorf("%s does not set $DataDir to %%ProgramData%%\\PX360", fn)
		}
	}

	var install, unMain nsiSection
	var removers []nsiSection
	touchesData := regexp.MustCompile(`^(RMDir|Delete)\b.*\$DataDir`)
	for _, s := range secs {
		un := strings.HasPrefix(s.name, "un.")
		switch {
		case !un && install.name == "":
			install = s
		case un && slices.ContainsFunc(s.body, touchesData.MatchString):
			removers = append(removers, s)
		case un && unMain.name == "":
			unMain = s
		}
	}
	t.Run("install", func(t *testing.T) {
		b := install.body
		steps := []string{`^File .*\$\{PX360_EXE\}"$`, `^CreateDirectory "\$DataDir"$`, `^WriteUninstaller `,
			`px360\.exe" install --data "\$DataDir"`, `px360\.exe" start'$`,
			`^MessageBox MB_YESNO\|MB_ICONQUESTION "\$\(FirewallQuestion\)" /SD IDNO IDNO shortcuts$`,
			`netsh advfirewall firewall add rule .*localport=\$\{PORT\}`, `^shortcuts:$`,
			`^WriteINIStr "\$SMPROGRAMS\\PX360\\.*\.url" "InternetShortcut" "URL" "http://localhost:\$\{PORT\}/"$`}
		at := 0
		for _, re := range steps {
			i := has(b[at:], re)
			if i < 0 {
				t.Fatalf("the install section lacks %s (after line %d of it)", re, at)
			}
			at += i + 1
		}
		// An upgrade stops the service before replacing it and migrates before starting.
		if stop, file := has(b, `px360\.exe" stop'$`), has(b, `^File `); stop < 0 || stop > file {
			t.Error("the service is not stopped before px360.exe is replaced")
		}
		if mig, start := has(b, `px360\.exe" migrate --data "\$DataDir"'$`), has(b, `px360\.exe" start'$`); mig < 0 || mig > start {
			t.Error("the database is not migrated before the service starts")
		}
	})
	t.Run("uninstaller keeps the data by default", func(t *testing.T) {
		if len(removers) != 1 {
			t.Fatalf("%d uninstaller sections remove $DataDir, want exactly one (the remove-data option)", len(removers))
		}
		if r := removers[0]; r.selected || !slices.Contains(r.body, `RMDir /r "$DataDir"`) {
			t.Errorf("section %q removes the data and is ticked by default; it must be Section /o", r.name)
		}
		for _, re := range []string{`px360\.exe" stop'$`, `px360\.exe" uninstall'$`, `netsh advfirewall firewall delete rule`, `^Delete "\$INSTDIR\\px360\.exe"$`} {
			if has(unMain.body, re) < 0 {
				t.Errorf("the uninstaller's main section lacks %s", re)
			}
		}
	})

	makensis, err := exec.LookPath("makensis")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("makensis is required in CI (apt-get install nsis)")
		}
		t.Skip("makensis not found (Debian package nsis): the script was read but not compiled")
	}
	dir := t.TempDir()
	exe, out := filepath.Join(dir, "px360.exe"), filepath.Join(dir, "px360-setup.exe")
	if err := os.WriteFile(exe, []byte("MZ stand-in"), 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("windows", "px360.nsi"))
	cmd := exec.Command(makensis, "-INPUTCHARSET", "UTF8", "-V2", "-WX", "-DVERSION=1.2.3", "-DNUMVERSION=1.2.3.0",
		"-DPX360_EXE="+exe, "-DOUTFILE="+out, script)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("makensis: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("MZ")) {
		t.Fatalf("no Windows executable from makensis: %v", err)
	}
}

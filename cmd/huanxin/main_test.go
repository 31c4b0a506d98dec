package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huanxin/huanxin/account"
)

func TestMain(m *testing.M) {
	account.ArgonTime, account.ArgonMemory = 1, 64
	os.Exit(m.Run())
}

// cli runs the command in-process on a data directory and returns what it
// printed.
func cli(t *testing.T, data string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	// The common flags go after the command's words ("user add", "import").
	words := 1
	if args[0] == "user" || args[0] == "audit" || args[0] == "decision" || args[0] == "funding" {
		words = 2
	}
	if args[0] != "--help" {
		args = append(append(append([]string{}, args[:words]...), "--data", data, "--db", ""), args[words:]...)
	}
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestCommands(t *testing.T) {
	data := t.TempDir()
	steps := []struct {
		args    []string
		want    string
		wantErr bool
	}{
		{args: []string{"--help"}, want: "audit verify"},
		{args: []string{"migrate"}, want: "migrations applied"},
		{args: []string{"user", "add", "--username", "root", "--name", "管理员", "--role", "admin", "--password", "root-password"}, want: "created"},
		{args: []string{"user", "add", "--username", "x", "--name", "x", "--role", "admin", "--password", "short"}, wantErr: true},
		{args: []string{"user", "list"}, want: "root"},
		{args: []string{"user", "passwd", "root", "new-password-1"}, want: "password changed"},
		{args: []string{"template", "estates", filepath.Join(data, "t.xlsx")}},
		{args: []string{"import", "jurisdictions", filepath.Join("testdata", "jurisdictions.csv")}, want: "jurisdictions.csv"},
		{args: []string{"import", "estates", filepath.Join("testdata", "estates-bad.csv")}, wantErr: true},
		{args: []string{"import", "estates", filepath.Join("testdata", "estates.csv")}, want: "estates.csv"},
		{args: []string{"export", "estates", filepath.Join(data, "estates.xlsx")}, want: "2 rows"},
		{args: []string{"audit", "verify"}, want: "intact"},
		{args: []string{"backup", filepath.Join(data, "copy.db")}, want: "backup written"},
		{args: []string{"backup", filepath.Join(data, "copy.db")}, wantErr: true},
		{args: []string{"decision", "verify", "12345"}, wantErr: true},
		{args: []string{"nonsense"}, wantErr: true},
	}
	for _, s := range steps {
		out, err := cli(t, data, s.args...)
		if (err != nil) != s.wantErr || !strings.Contains(out, s.want) {
			t.Fatalf("huanxin %s: err %v, output %q (want %q)", strings.Join(s.args, " "), err, out, s.want)
		}
	}
	for _, f := range []string{"t.xlsx", "estates.xlsx", "copy.db"} {
		if st, err := os.Stat(filepath.Join(data, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

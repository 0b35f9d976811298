// fluxtar DIR OUT: the uncompressed tar fluxcd/pkg/tar.Tar writes of DIR (tar/tar.go: filepath.WalkDir, symlinks
// and special files skipped, tar.FileInfoHeader, uid/gid/names/times zeroed, Go's archive/tar Writer). Written for
// ocimirror's tests from that file's rules, to compare ocimirror's bytes with Go's own archive/tar.
package main

import (
	"archive/tar"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

func main() {
	dir, out := os.Args[1], os.Args[2]
	f, err := os.Create(out)
	check(err)
	tw := tar.NewWriter(f)
	check(filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if t := d.Type(); !t.IsRegular() && !t.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		h, err := tar.FileInfoHeader(fi, p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
		h.ModTime, h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}, time.Time{}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		r, err := os.Open(p)
		if err != nil {
			return err
		}
		defer r.Close()
		_, err = io.Copy(tw, r)
		return err
	}))
	check(tw.Close())
	check(f.Close())
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

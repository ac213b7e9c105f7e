package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"github.com/storeedge/storeedge/qr"
)

// tagsRequest says which tags to print.
type tagsRequest struct {
	SKUs      []string
	Stale     bool
	PublicURL string
	PNG       bool // one tag as a PNG image instead of a PDF sheet
}

// runTags prints price tags to --out (.pdf sheet, or .png for one tag).
// While serve runs, the server renders them through its control socket (it
// holds the database); otherwise the database is opened here.
func (m *Main) runTags(ctx context.Context, args []string) error {
	fs := m.newFlagSet("tags")
	data := fs.String("data", m.Getenv("STOREEDGE_DATA"), "data directory (env STOREEDGE_DATA)")
	skus := fs.String("sku", "", "comma-separated SKUs to print")
	stale := fs.Bool("stale", false, "print exactly the tags whose printed price is no longer the price charged")
	out := fs.String("out", "", "FILE.pdf (an A4 sheet) or FILE.png (one tag)")
	public := fs.String("public-url", m.Getenv("STOREEDGE_PUBLIC_URL"), "base URL the QR codes point to (env STOREEDGE_PUBLIC_URL)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	req, err := parseTagsRequest(*data, *skus, *stale, *out, *public)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	n, err := tagsViaSocket(ctx, *data, req, &buf)
	if errors.Is(err, errNoServer) {
		n, err = tagsOffline(ctx, *data, req, &buf)
	}
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(m.Stdout, "no tags to print")
		return nil
	}
	if _, err := bolt.WriteFileAtomic(*out, &buf); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "printed %d tags to %s\n", n, *out)
	return nil
}

func parseTagsRequest(data, skus string, stale bool, out, public string) (*tagsRequest, error) {
	req := &tagsRequest{Stale: stale, PublicURL: strings.TrimRight(public, "/")}
	for _, s := range strings.Split(skus, ",") {
		if s = strings.TrimSpace(s); s != "" {
			req.SKUs = append(req.SKUs, s)
		}
	}
	switch ext := strings.ToLower(filepath.Ext(out)); {
	case data == "" || out == "":
		return nil, usagef("--data and --out are required")
	case (len(req.SKUs) > 0) == stale:
		return nil, usagef("give either --sku A,B,... or --stale")
	case ext == ".png":
		if len(req.SKUs) != 1 {
			return nil, usagef("a .png holds one tag: give exactly one --sku")
		}
		req.PNG = true
	case ext != ".pdf":
		return nil, usagef("--out must end in .pdf or .png")
	}
	if req.PublicURL == "" {
		req.PublicURL = "http://127.0.0.1:8080"
	}
	return req, nil
}

func tagsOffline(ctx context.Context, dir string, req *tagsRequest, w io.Writer) (int, error) {
	db, err := openData(dir)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	setTagCodes(db)
	return printTags(ctx, tagPrinting{Catalog: bolt.NewCatalogService(db), Tags: bolt.NewTagService(db), Now: db.Now}, req, w)
}

// tagPrinting is what printing needs; the server and the offline command
// both fill it from their database.
type tagPrinting struct {
	Catalog pos.CatalogService
	Tags    pos.TagService
	Now     func() time.Time
	Level   qr.Level
}

// printTags renders the requested tags and records what they show, so a
// later --stale finds them once a price changes.
func printTags(ctx context.Context, p tagPrinting, req *tagsRequest, w io.Writer) (int, error) {
	skus := req.SKUs
	if req.Stale {
		var err error
		if skus, err = p.Tags.StaleTags(ctx); err != nil {
			return 0, err
		}
	}
	labels, err := collectLabels(ctx, p, skus, req.PublicURL)
	if err != nil || len(labels) == 0 {
		return 0, err
	}
	if req.PNG {
		img, err := qr.TagPNG(labels[0], qr.TagOptions{Level: p.Level})
		if err == nil {
			_, err = w.Write(img)
		}
		if err != nil {
			return 0, err
		}
	} else if err := qr.WriteSheet(w, labels, qr.SheetOptions{Level: p.Level}); err != nil {
		return 0, err
	}
	printed := make([]pos.PrintedTag, len(labels))
	for i := range labels {
		printed[i] = labels[i].PrintedTag()
	}
	return len(labels), p.Tags.MarkPrinted(ctx, printed)
}

// collectLabels builds the label of every SKU at one moment, so a sheet
// shows one consistent set of prices.
func collectLabels(ctx context.Context, p tagPrinting, skus []string, base string) ([]pos.TagLabel, error) {
	now := p.Now()
	labels := make([]pos.TagLabel, 0, len(skus))
	for _, sku := range skus {
		prod, err := p.Catalog.FindProductBySKU(ctx, sku)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", sku, pos.ErrorMessage(err))
		}
		code, err := p.Tags.TagCode(ctx, sku)
		if err != nil {
			return nil, err
		}
		label, ok := pos.NewTagLabel(prod, code, qr.TagURL(base, code), now)
		if !ok {
			return nil, fmt.Errorf("%s has no price in force", sku)
		}
		labels = append(labels, label)
	}
	return labels, nil
}

const tagsHeader = "STOREEDGE-TAGS "

// tagsViaSocket asks a running server to render the tags.
func tagsViaSocket(ctx context.Context, dir string, req *tagsRequest, w io.Writer) (int, error) {
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "unix", filepath.Join(dir, socketName))
	if err != nil {
		return 0, errNoServer
	}
	defer conn.Close()
	body, _ := json.Marshal(req)
	if _, err := fmt.Fprintf(conn, "tags %s\n", body); err != nil {
		return 0, fmt.Errorf("tags: %w", err)
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if msg, ok := strings.CutPrefix(line, "ERR "); ok {
		return 0, errors.New(strings.TrimSpace(msg))
	}
	var n int
	var size int64
	if _, serr := fmt.Sscanf(strings.TrimPrefix(line, tagsHeader), "%d %d", &n, &size); err != nil || serr != nil {
		return 0, fmt.Errorf("tags: the server answered %q", strings.TrimSpace(line))
	}
	if got, err := io.Copy(w, io.LimitReader(r, size)); err != nil || got != size {
		return 0, fmt.Errorf("tags: got %d of %d bytes: %v", got, size, err)
	}
	return n, nil
}

// tags renders tags for `storeedge tags` inside the server.
func (s *controlSocket) tags(conn net.Conn, arg string) {
	var req tagsRequest
	if err := json.Unmarshal([]byte(arg), &req); err != nil {
		fmt.Fprintf(conn, "ERR bad tags request\n")
		return
	}
	var buf bytes.Buffer
	n, err := printTags(context.Background(), s.Tags, &req, &buf)
	if err != nil {
		fmt.Fprintf(conn, "ERR %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	fmt.Fprintf(conn, "%s%d %d\n", tagsHeader, n, buf.Len())
	_, _ = buf.WriteTo(conn)
}

// setTagCodes gives the database qr's tag code format.
func setTagCodes(db *bolt.DB) {
	db.NewTagCode, db.ValidTagCode, db.NormalizeTagCode = qr.NewTagCode, qr.ValidTagCode, qr.NormalizeTagCode
}

/*
 * main.c — the `search` program: query a newsidx index and print the best
 * passage of each matching article, for a person or (--json) a program.
 * It uses only the public API of newsidx.h.
 */
#include "newsidx.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit codes (documented in --help and README.md). */
enum {
	EXIT_FOUND = 0,     /* at least one hit */
	EXIT_NONE = 1,      /* the query matched nothing */
	EXIT_USAGE = 2,     /* bad command line or malformed query */
	EXIT_INDEX = 3,     /* no index, or it cannot be read */
	EXIT_TEMP = 75      /* the index kept changing while searching; retry */
};

static const char usage_text[] =
	"Usage: search [OPTIONS] QUERY...\n"
	"       search --people [OPTIONS] QUERY...\n"
	"Search a newsidx index and show the best passage of each matching article.\n"
	"\n"
	"Query language:\n"
	"  tokayev shooting order    words: passages with all of them first, then the\n"
	"                            others by rank; words match their other forms\n"
	"                            (shooting finds shoot) and spellings\n"
	"  \"security forces\"         an exact phrase\n"
	"  covid-19  北京政策        inner punctuation makes a phrase of the parts;\n"
	"                            unspaced Chinese/Japanese/Thai is its words\n"
	"  almaty NEAR/5 protest     words (or phrases) at most 5 words apart; NEAR: 10\n"
	"  a AND b, a OR b, NOT a    operators (in capitals); -word excludes a word\n"
	"  (police OR army) almaty   parentheses group\n"
	"  protest*                  words that start so\n"
	"  title:tokayev             in the article's title; title:(a OR b) too\n"
	"  person:Tokayev            passages that name a person, under any spelling\n"
	"                            (Токаев, Тоқаев; Ruzakunov for Ruzakhunov); a filter\n"
	"  person:\"Kassym-Jomart Tokayev\"   also leaves out other given names\n"
	"  lang:ru  source:reuters   the article's language; a part of its file's path\n"
	"  since:2022-01-05  until:2022-01-07  date:2022-01-05..2022-01-07  date:2022-01\n"
	"  since:7d (also 2w, 3m, 1y, today, yesterday)   dates, inclusive\n"
	"Filters alone list the newest articles first.  A malformed query is\n"
	"reported with its column; when a query finds little and the index knows a\n"
	"close spelling, search suggests it.  A word matched as another spelling of a\n"
	"name is shown under the passage: matched: Ruzakunov ~ Ruzakhunov.\n"
	"\n"
	"Options:\n"
	"  --db DIR        the index (default: $NEWSIDX_DB, else\n"
	"                  $XDG_DATA_HOME/newsidx/index, else ~/.local/share/newsidx/index)\n"
	"  -n, --limit N   show at most N results (default 10)\n"
	"  --offset N      skip the first N results\n"
	"  --passages      show every matching passage, not only the best per article\n"
	"  --recent[=DAYS] favour recent articles: a boost that halves every DAYS days\n"
	"                  of age (default 30)\n"
	"  --context N     words shown around the densest run of matches (default 8)\n"
	"  --explain       show the parts of each result's score\n"
	"  --no-expand     never expand long queries with words of their best passages\n"
	"  --people        list the people most mentioned in the matching passages\n"
	"                  (the best 1000), each under all spellings of the name, with\n"
	"                  the passages and articles that name them; -n: how many\n"
	"  --lang CODE     stem the query's words for this language only (en, ru, kk...);\n"
	"                  default: for every language in the index\n"
	"  --json          one JSON object per line (format in README.md)\n"
	"  --color WHEN    highlight with bold: auto (on a terminal), always, never;\n"
	"                  without bold, matches are marked **like this**\n"
	"  -h, --help      show this help\n"
	"  --version       show the version\n"
	"\n"
	"Exit status:\n"
	"  0   results were found\n"
	"  1   nothing matched\n"
	"  2   usage error or malformed query\n"
	"  3   no index at the location, or it is not a newsidx index or is damaged\n"
	"  75  the index changed too often while searching; try again\n";

typedef struct out_style {
	const char *on, *off;  /* highlight markers */
	const char *dim_on, *dim_off;
	const char *cwd;       /* to show sources relative to it */
} out_style;

static int parse_count(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || v > 1000000)
		return -1;
	*out = (size_t)v;
	return 0;
}

static const char *shown_path(const char *path, const char *cwd)
{
	size_t n = cwd ? strlen(cwd) : 0;

	if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* Print the snippet of the passage on one line: white space runs become one
 * space, matched words are marked, "..." where the passage goes on. */
static void print_passage(const nx_hit *h, const out_style *st)
{
	size_t next = 0, from = h->snippet_start, to = h->snippet_end;
	int in_space = 0;

	if (to <= from || to > h->passage_len) {
		from = 0;
		to = h->passage_len;
	}
	fputs(from > 0 ? "   ... " : "   ", stdout);
	while (next < h->nhighlights && h->highlights[next].start < from)
		next++;
	for (size_t i = from; i < to; i++) {
		unsigned char ch = (unsigned char)h->passage[i];

		if (next < h->nhighlights && i == h->highlights[next].start)
			fputs(st->on, stdout);
		if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
			if (!in_space)
				putchar(' ');
			in_space = 1;
		} else {
			putchar(ch);
			in_space = 0;
		}
		if (next < h->nhighlights && i + 1 == h->highlights[next].end) {
			fputs(st->off, stdout);
			next++;
		}
	}
	fputs(to < h->passage_len ? " ...\n" : "\n", stdout);
}

/* A malformed query: the message, and the query with a caret under the
 * column the message names ("... (column N)"). */
static void print_syntax_error(const char *msg, const char *query)
{
	const char *p = strrchr(msg, '(');
	unsigned long col = 0;
	size_t chars = 0;

	fprintf(stderr, "search: %s\n", msg);
	if (!p || sscanf(p, "(column %lu)", &col) != 1 || col == 0)
		return;
	fputs("  ", stderr);
	for (const char *q = query; *q; q++)
		fputc(*q == '\t' || *q == '\n' || *q == '\r' ? ' ' : *q, stderr);
	fputs("\n  ", stderr);
	for (const char *q = query; *q && chars + 1 < col; q++) {
		if (((unsigned char)*q & 0xC0) != 0x80) {
			fputc(' ', stderr);
			chars++;
		}
	}
	fputs("^\n", stderr);
}

/* The words matched as another spelling of a name: "Ruzakunov ~ Ruzakhunov"
 * (the passage's form ~ the query's), each pair once. */
static void print_matched(const nx_hit *h)
{
	size_t shown = 0;

	for (size_t i = 0; i < h->nmatched; i++) {
		const nx_matched_form *f = &h->matched[i];
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(h->matched[j].form, f->form) && !strcmp(h->matched[j].query, f->query))
				break;
		if (j < i)
			continue;
		printf("%s%s ~ %s", shown++ ? ", " : "   matched: ", f->form, f->query);
	}
	if (shown)
		putchar('\n');
}

static void print_hit(const nx_hit *h, const out_style *st)
{
	printf("%zu. %s\n", h->rank, *h->title ? h->title : "(untitled)");
	printf("   %s%s", st->dim_on, shown_path(h->source, st->cwd));
	if (*h->date)
		printf(" · %s", h->date);
	if (strcmp(h->id, h->source) != 0)
		printf(" · id %s", h->id);
	printf(" · passage %u · score %.2f%s\n", h->passage_no + 1, h->score, st->dim_off);
	print_passage(h, st);
	print_matched(h);
	if (*h->explain)
		printf("   %sexplain: %s%s\n", st->dim_on, h->explain, st->dim_off);
}

/* Print one JSON line made with status rc, and free it; -1 (reported)
 * when making it failed. */
static int put_json_line(int rc, char *line)
{
	if (rc != NX_OK) {
		fprintf(stderr, "search: %s\n", nx_error_message());
		return -1;
	}
	puts(line);
	free(line);
	return 0;
}

/* A failed nx_search or nx_people: the message, and the exit status. */
static int failed(int rc, const char *query)
{
	if (rc == NX_ESYNTAX) {
		print_syntax_error(nx_error_message(), query);
		return EXIT_USAGE;
	}
	fprintf(stderr, "search: %s\n", nx_error_message());
	return rc == NX_EINVAL ? EXIT_USAGE : rc == NX_EMODIFIED ? EXIT_TEMP : EXIT_INDEX;
}

/* search --people: the people most mentioned in the matching passages. */
static int list_people(nx_db *db, const char *query, const nx_search_options *so, int json)
{
	nx_people_options po = NX_PEOPLE_OPTIONS_INIT;
	nx_people_list *l = NULL;
	int rc, ret;

	po.limit = so->limit;
	po.now = so->now;
	po.lang = so->lang;
	if ((rc = nx_people(&l, db, query, &po)))
		return failed(rc, query);
	ret = nx_people_list_count(l) ? EXIT_FOUND : EXIT_NONE;
	if (!json && ret == EXIT_NONE)
		fprintf(stderr, "search: no person is named in the passages that match '%s'\n", query);
	for (size_t i = 0; i < nx_people_list_count(l); i++) {
		const nx_person *p = nx_people_list_get(l, i);

		if (json) {
			char *line = NULL;

			rc = nx_person_to_json(&line, p);
			if (put_json_line(rc, line)) {
				ret = EXIT_INDEX;
				break;
			}
			continue;
		}
		printf("%zu. %s: %zu passage%s, %zu article%s", p->rank, p->name, p->passages,
		       p->passages == 1 ? "" : "s", p->articles, p->articles == 1 ? "" : "s");
		for (size_t k = 1; k < p->nspellings; k++)
			printf("%s%s (%zu)", k == 1 ? "; also " : ", ", p->spellings[k].form,
			       p->spellings[k].passages);
		putchar('\n');
	}
	if (!json && nx_people_list_passages(l) < nx_people_list_estimate(l))
		fprintf(stderr, "search: people counted in the best %zu of about %zu matching passages\n",
			nx_people_list_passages(l), nx_people_list_estimate(l));
	nx_people_list_free(l);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'n' },
		{ "offset", required_argument, NULL, 'o' },
		{ "passages", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "people", no_argument, NULL, 'P' },
		{ "recent", optional_argument, NULL, 'r' },
		{ "context", required_argument, NULL, 'C' },
		{ "explain", no_argument, NULL, 'e' },
		{ "no-expand", no_argument, NULL, 'x' },
		{ "lang", required_argument, NULL, 'L' },
		{ "color", required_argument, NULL, 'c' },
		{ "colour", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	nx_search_options opts = NX_SEARCH_OPTIONS_INIT;
	out_style st = { "**", "**", "", "", NULL };
	const char *color = "auto";
	char *dbpath = NULL, *query = NULL, cwd[PATH_MAX];
	int json = 0, people = 0, context_set = 0, c, rc, ret;
	size_t qlen = 0, days = 0;
	nx_db *db = NULL;
	nx_results *res = NULL;

	while ((c = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			free(dbpath);
			dbpath = strdup(optarg);
			break;
		case 'n':
			if (parse_count(optarg, &opts.limit) || opts.limit == 0) {
				fprintf(stderr, "search: -n wants a number from 1 to 1000000, not '%s'\n",
					optarg);
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		case 'o':
			if (parse_count(optarg, &opts.offset)) {
				fprintf(stderr, "search: --offset wants a number, not '%s'\n", optarg);
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		case 'p':
			opts.all_passages = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'P':
			people = 1;
			break;
		case 'r':
			opts.recent_days = 30;
			if (optarg && (parse_count(optarg, &days) || days == 0 || days > 36500)) {
				fprintf(stderr, "search: --recent wants a number of days from 1 to 36500, "
					"not '%s'\n", optarg);
				ret = EXIT_USAGE;
				goto out;
			}
			if (optarg)
				opts.recent_days = (double)days;
			break;
		case 'C':
			if (parse_count(optarg, &days) || days > 1000) {
				fprintf(stderr, "search: --context wants a number of words from 0 to 1000, "
					"not '%s'\n", optarg);
				ret = EXIT_USAGE;
				goto out;
			}
			opts.context = (unsigned)days;
			context_set = 1;
			break;
		case 'e':
			opts.explain = 1;
			break;
		case 'x':
			opts.feedback = -1;
			break;
		case 'L':
			opts.lang = optarg;
			break;
		case 'c':
			color = optarg;
			if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never")) {
				fprintf(stderr, "search: --color wants auto, always or never, not '%s'\n",
					optarg);
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			ret = EXIT_FOUND;
			goto out;
		case 'V':
			printf("search (newsidx) %s\n", nx_version());
			ret = EXIT_FOUND;
			goto out;
		default:
			fputs("Try 'search --help' for more information.\n", stderr);
			ret = EXIT_USAGE;
			goto out;
		}
	}
	if (people && (opts.offset || opts.all_passages || opts.explain || opts.recent_days > 0 ||
		       context_set || opts.feedback)) {
		fputs("search: --people lists people; --offset, --passages, --explain, --recent, "
		      "--context and --no-expand are for passages\n", stderr);
		ret = EXIT_USAGE;
		goto out;
	}
	/* The words of the query may come as several arguments. */
	for (int i = optind; i < argc; i++)
		qlen += strlen(argv[i]) + 1;
	query = calloc(1, qlen + 1);
	if (!query) {
		fputs("search: out of memory\n", stderr);
		ret = EXIT_USAGE;
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(query, " ");
		strcat(query, argv[i]);
	}
	if (strspn(query, " \t\r\n") == strlen(query)) {
		fputs("search: empty query: give one or more words to search for\n"
		      "Try 'search --help' for more information.\n", stderr);
		ret = EXIT_USAGE;
		goto out;
	}

	if (!strcmp(color, "always") ||
	    (!strcmp(color, "auto") && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"))) {
		st.on = "\033[1m";
		st.off = "\033[0m";
		st.dim_on = "\033[2m";
		st.dim_off = "\033[0m";
	}
	st.cwd = getcwd(cwd, sizeof cwd);

	if (!dbpath && nx_default_db_path(&dbpath) != NX_OK) {
		fprintf(stderr, "search: %s; or give --db DIR\n", nx_error_message());
		ret = EXIT_USAGE;
		goto out;
	}
	rc = nx_db_open(&db, dbpath, NX_OPEN_READ);
	if (rc == NX_ENOTFOUND) {
		fprintf(stderr,
			"search: %s\n"
			"Build an index first, e.g.:  indexer --db %s PATH...\n"
			"(scripts/search in the source tree indexes the bundled sample corpus for you.)\n",
			nx_error_message(), dbpath);
		ret = EXIT_INDEX;
		goto out;
	} else if (rc != NX_OK) {
		fprintf(stderr, "search: cannot open index: %s\n", nx_error_message());
		ret = EXIT_INDEX;
		goto out;
	}

	if (people) {
		ret = list_people(db, query, &opts, json);
		goto out;
	}
	if ((rc = nx_search(&res, db, query, &opts))) {
		ret = failed(rc, query);
		goto out;
	}
	ret = nx_results_count(res) ? EXIT_FOUND : EXIT_NONE;
	if (!json && ret == EXIT_NONE)
		fprintf(stderr, "search: no passage matches '%s'\n", query);
	if (nx_results_suggestion(res))
		fprintf(stderr, "search: did you mean: %s\n", nx_results_suggestion(res));
	for (size_t i = 0; i < nx_results_count(res); i++) {
		const nx_hit *h = nx_results_get(res, i);

		if (json) {
			char *line = NULL;

			rc = nx_hit_to_json(&line, h);
			if (put_json_line(rc, line)) {
				ret = EXIT_INDEX;
				break;
			}
		} else {
			if (i)
				putchar('\n');
			print_hit(h, &st);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "search: cannot write results: %s\n", strerror(errno));
		ret = EXIT_INDEX;
	}
out:
	nx_results_free(res);
	nx_db_close(db);
	free(dbpath);
	free(query);
	return ret;
}

/*
 * Bench.java — Lucene 8 (Debian liblucene8-java) as a peer in scripts/bench.
 *
 * Usage: java -cp CLASSPATH Bench index DIR RECORDS     (id TAB title TAB text a
 *                                                       line, \\ \t \n escaped)
 *        java -cp CLASSPATH Bench query DIR QUERIES     (latency per query, us)
 *        java -cp CLASSPATH Bench query1 DIR QUERY      (one query: top ten ids)
 *
 * EnglishAnalyzer (standard tokenizer, lower case, English stop words,
 * possessives, Porter stemming); id stored, title and text stored and
 * indexed with positions, like the other engines.  One feeding thread, the
 * IndexWriter's defaults otherwise (16 MB RAM buffer, concurrent merges).
 * Queries go through a MultiFieldQueryParser over title and text with the
 * default OR operator; each timed query reads the ten best hits' id and title,
 * after one warm-up pass.
 */
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

public class Bench {
	static String unescape(String s) {
		if (s.indexOf('\\') < 0)
			return s;
		StringBuilder b = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '\\' && i + 1 < s.length()) {
				c = s.charAt(++i);
				b.append(c == 'n' ? '\n' : c == 't' ? '\t' : c);
			} else {
				b.append(c);
			}
		}
		return b.toString();
	}

	static void index(String dir, String records) throws Exception {
		Analyzer an = new EnglishAnalyzer();
		IndexWriterConfig cfg = new IndexWriterConfig(an);
		cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
		long n = 0;
		try (IndexWriter w = new IndexWriter(FSDirectory.open(Paths.get(dir)), cfg);
		     BufferedReader r = Files.newBufferedReader(Paths.get(records), StandardCharsets.UTF_8)) {
			String line;
			while ((line = r.readLine()) != null) {
				String[] f = line.split("\t", 3);
				if (f.length < 3)
					continue;
				Document d = new Document();
				d.add(new StringField("id", unescape(f[0]), Field.Store.YES));
				d.add(new TextField("title", unescape(f[1]), Field.Store.YES));
				d.add(new TextField("text", unescape(f[2]), Field.Store.YES));
				w.addDocument(d);
				if (++n % 1000 == 0)
					w.commit();
			}
			w.commit();
		}
		System.err.println("Bench: " + n + " articles");
	}

	static TopDocs run(IndexSearcher s, MultiFieldQueryParser p, String q) throws Exception {
		Query query = p.parse(q);
		TopDocs td = s.search(query, 10);
		for (ScoreDoc sd : td.scoreDocs) {
			Document d = s.doc(sd.doc);
			d.get("id");
			d.get("title");
		}
		return td;
	}

	public static void main(String[] a) throws Exception {
		if (a.length == 3 && a[0].equals("index")) {
			index(a[1], a[2]);
			return;
		}
		if (a.length != 3 || !(a[0].equals("query") || a[0].equals("query1"))) {
			System.err.println("usage: Bench index DIR RECORDS | query DIR QUERIES | query1 DIR QUERY");
			System.exit(2);
		}
		try (DirectoryReader r = DirectoryReader.open(FSDirectory.open(Paths.get(a[1])))) {
			IndexSearcher s = new IndexSearcher(r);
			MultiFieldQueryParser p = new MultiFieldQueryParser(new String[] { "title", "text" },
									    new EnglishAnalyzer());
			if (a[0].equals("query1")) {
				for (ScoreDoc sd : run(s, p, a[2]).scoreDocs)
					System.out.println(s.doc(sd.doc).get("id"));
				return;
			}
			List<String> qs = Files.readAllLines(Paths.get(a[2]), StandardCharsets.UTF_8);
			long hits = 0;
			for (String q : qs)
				run(s, p, q);
			StringBuilder out = new StringBuilder();
			for (String q : qs) {
				long t0 = System.nanoTime();
				hits += run(s, p, q).scoreDocs.length;
				out.append(String.format("%.1f%n", (System.nanoTime() - t0) / 1e3));
			}
			System.out.print(out);
			System.err.println("Bench: " + qs.size() + " queries, " + hits + " hits");
		}
	}
}

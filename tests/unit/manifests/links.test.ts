/**
 * Every link into this repository lands on a heading that exists: task.json helpUrl and
 * helpMarkDown, the manifest's links (getting started), and the links in overview.md, README.md
 * and docs/. A repository URL with a fragment is what GitHub renders there: the bare repository
 * URL shows README.md, `/blob/main/<path>` shows that file. Relative links in the Markdown files
 * resolve against the file's folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../../helpers/repo';
import { headingAnchors } from './manifestFiles';

const root = repoRoot();
const REPOSITORY = 'https://github.com/databricks-mlops/azure-pipelines';

interface Link {
  from: string;
  url: string;
}

function linksIn(text: string, from: string): Link[] {
  const links: Link[] = [];
  for (const m of text.matchAll(/https:\/\/github\.com\/databricks-mlops\/azure-pipelines[^\s)"'`<>\]]*/g)) links.push({ from, url: m[0] });
  if (from.endsWith('.md')) {
    // Markdown links that are not absolute URLs (code blocks excluded).
    const prose = text.replace(/```[\s\S]*?```/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) if (!/^[a-z]+:/i.test(m[1])) links.push({ from, url: m[1] });
  }
  return links;
}

/** The file and fragment a link opens, or undefined when it leaves the repository's files (issues, the repository page itself). */
function target(link: Link): { file: string; anchor?: string } | undefined {
  if (link.url.startsWith(REPOSITORY)) {
    const rest = link.url.slice(REPOSITORY.length);
    const [path, anchor] = rest.split('#');
    if (path === '' || path === '/') return anchor === undefined ? undefined : { file: 'README.md', anchor };
    const blob = /^\/blob\/main\/(.+)$/.exec(path);
    if (blob) return { file: blob[1], anchor };
    return undefined;
  }
  const [path, anchor] = link.url.split('#');
  const file =
    path === ''
      ? link.from
      : relative(root, join(root, dirname(link.from), path))
          .split('\\')
          .join('/');
  return { file, anchor };
}

function allLinks(): Link[] {
  const links: Link[] = [];
  const read = (file: string): string => readFileSync(join(root, file), 'utf8');
  for (const task of readdirSync(join(root, 'tasks')).filter((t) => existsSync(join(root, 'tasks', t, 'task.json')))) {
    const json = JSON.parse(read(`tasks/${task}/task.json`)) as { helpUrl?: string; helpMarkDown?: string };
    links.push(...linksIn(`${json.helpUrl ?? ''} ${json.helpMarkDown ?? ''}`, `tasks/${task}/task.json`));
  }
  links.push(...linksIn(read('vss-extension.json'), 'vss-extension.json'));
  const markdown = [
    'overview.md',
    'README.md',
    'CHANGELOG.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  for (const file of markdown.filter((f) => existsSync(join(root, f)))) links.push(...linksIn(read(file), file));
  return links;
}

describe('links into the repository', () => {
  const links = allLinks();

  it('finds the links of task.json, the manifest and the Markdown files', () => {
    assert.ok(
      links.some((l) => l.from.endsWith('task.json')),
      'no helpUrl links found',
    );
    assert.ok(
      links.some((l) => l.from === 'vss-extension.json' && l.url.includes('#getting-started')),
      'no getting-started link found',
    );
  });

  it('every link to a file names one that exists, and every fragment a heading in it', () => {
    const problems: string[] = [];
    for (const link of links) {
      const t = target(link);
      if (!t) continue;
      if (!existsSync(join(root, t.file))) {
        problems.push(`${link.from}: ${link.url} → ${t.file} does not exist`);
        continue;
      }
      if (t.anchor && t.file.endsWith('.md') && !headingAnchors(readFileSync(join(root, t.file), 'utf8')).has(t.anchor)) {
        problems.push(`${link.from}: ${link.url} → ${t.file} has no heading #${t.anchor}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('would catch a link to a heading that does not exist (the old helpUrl form)', () => {
    const t = target({ from: 'tasks/X/task.json', url: `${REPOSITORY}#databricksdeployserving` });
    assert.deepEqual(t, { file: 'README.md', anchor: 'databricksdeployserving' });
    assert.ok(!headingAnchors(readFileSync(join(root, 'README.md'), 'utf8')).has('databricksdeployserving'), 'README.md has no task sections: the Marketplace page is overview.md');
  });
});

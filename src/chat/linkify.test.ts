import { expect } from '@open-wc/testing';
import { linkify } from './linkify.js';

describe('linkify', () => {
  it('turns http and https URLs into links and leaves the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1 and http://x.org.')).to.deep.equal([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: ' and ' },
      { text: 'http://x.org', href: 'http://x.org/' },
      { text: '.' },
    ]);
  });

  it('keeps balanced brackets and drops the closing one of a sentence', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))')[1]).to.deep.equal({
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
      href: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
  });

  it('cuts closing brackets and punctuation at the end only while they are unbalanced, however many there are', () => {
    expect(linkify(`http://a.org/${')'.repeat(1_990)}`)[0]).to.deep.equal({ text: 'http://a.org/', href: 'http://a.org/' });
    expect(linkify('https://x.org/[a](b{c}).!)]')[0]).to.deep.equal({ text: 'https://x.org/[a](b{c})', href: 'https://x.org/[a](b%7Bc%7D)' });
    const nested = `https://x.org/${'('.repeat(900)}${')'.repeat(1_000)}`;
    expect(linkify(nested)[0].text).to.equal(nested.slice(0, -100));
  });

  it('links an address that starts with www. as https, and not a www inside a word or another address', () => {
    expect(linkify('on www.example.org/docs, or WWW.Example.org.')).to.deep.equal([
      { text: 'on ' },
      { text: 'www.example.org/docs', href: 'https://www.example.org/docs' },
      { text: ', or ' },
      { text: 'WWW.Example.org', href: 'https://www.example.org/' },
      { text: '.' },
    ]);
    expect(linkify('see https://www.example.org/x')[1]).to.deep.equal({ text: 'https://www.example.org/x', href: 'https://www.example.org/x' });
    for (const text of ['www. is short', 'www.localhost', 'mail ada@www.example.org', 'foo.www.example.org', 'a/www.example.org', 'awww.example.org']) {
      expect(linkify(text).filter((p) => p.href), text).to.deep.equal([]);
    }
  });

  it('never links other schemes or markup', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '<a href="javascript:alert(1)">x</a>',
      'ftp://example.com/file',
      'JaVaScRiPt:alert(1)//https://x',
    ]) {
      const parts = linkify(text);
      for (const p of parts) if (p.href) expect(p.href, text).to.match(/^https?:\/\//);
      expect(parts.map((p) => p.text).join(''), text).to.equal(text);
    }
  });
});

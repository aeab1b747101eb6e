/**
 * Hostile or impossible input that the R4 structural validator lets through: prototype-polluting keys, dates that do
 * not exist, unsafe narrative and path-like ids. Each refusal has a valid neighbour that must still be accepted, so a
 * check that refuses everything fails here too.
 */
import { expect } from 'chai';
import {
  InvalidFhirResourceError,
  fhirIssuesOf,
  loadFhirR4Definitions,
  validateFhirResource,
} from '../../../sdk/src/fhir';
import { thrownBy } from '../store/support/rejection';
import { exampleOf } from './support/examples';

const XHTML = 'xmlns="http://www.w3.org/1999/xhtml"';

function condition(extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { ...exampleOf('Condition', 'pat-1'), ...extra };
}

function withNarrative(div: string): Record<string, unknown> {
  return condition({ text: { status: 'generated', div } });
}

/** The issues validation reports for `resource`, after checking it is refused with InvalidFhirResourceError. */
function refusal(resource: unknown): { path: string; message: string }[] {
  const error = thrownBy(() => validateFhirResource(resource), InvalidFhirResourceError);
  expect(error.issues.length).to.be.greaterThan(0);
  return [...error.issues];
}

function expectAccepted(resource: unknown): void {
  expect(fhirIssuesOf(resource)).to.deep.equal([]);
  expect(() => validateFhirResource(resource)).to.not.throw();
}

describe('FHIR input safety', function () {
  before(function () {
    this.timeout(30000);
    loadFhirR4Definitions();
  });

  describe('prototype-polluting keys', function () {
    it('refuses a top-level "__proto__" key from JSON.parse (an own property, not dropped)', function () {
      const parsed = JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(condition()).slice(1)}`) as unknown;
      const issues = refusal(parsed);
      expect(issues).to.deep.equal([
        {
          path: 'Condition.__proto__',
          message:
            '"__proto__" is not a FHIR element and is refused because it can alter JavaScript object prototypes; ' +
            'remove this key',
        },
      ]);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    for (const key of ['constructor', 'prototype']) {
      it(`refuses a "${key}" key, top-level or nested in an element`, function () {
        expect(refusal(condition({ [key]: { a: 1 } })).map((i) => i.path)).to.deep.equal([`Condition.${key}`]);
        const nested = condition();
        nested.code = JSON.parse(
          `{"${key}":{},"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"E11.9"}]}`,
        ) as unknown;
        expect(refusal(nested).map((i) => i.path)).to.deep.equal([`Condition.code.${key}`]);
      });
    }

    it('refuses such a key inside an array element', function () {
      const resource = condition();
      resource.code = JSON.parse(
        '{"coding":[{"__proto__":{},"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"E11.9"}]}',
      ) as unknown;
      expect(refusal(resource).map((i) => i.path)).to.deep.equal(['Condition.code.coding[0].__proto__']);
    });

    it('accepts keys that merely contain those words', function () {
      expectAccepted(condition({ note: [{ text: 'constructor __proto__ prototype' }] }));
    });

    it('refuses nesting deeper than 64 levels before any other check runs', function () {
      let deep: Record<string, unknown> = {};
      const root = deep;
      for (let i = 0; i < 70; i++) {
        const next: Record<string, unknown> = {};
        deep.extension = [next];
        deep = next;
      }
      const issues = refusal(condition({ extension: [root] }));
      expect(issues).to.have.length(1);
      expect(issues[0]?.message).to.include('deeper than 64');
    });
  });

  describe('calendar dates', function () {
    const impossible: [string, Record<string, unknown>, string, string][] = [
      ['February 30', { onsetDateTime: '2021-02-30' }, 'Condition.onsetDateTime', 'February 2021 has 28 days'],
      ['February 29 of a common year', { onsetDateTime: '2021-02-29' }, 'Condition.onsetDateTime', '28 days'],
      ['February 29 of 1900 (not a leap year)', { onsetDateTime: '1900-02-29' }, 'Condition.onsetDateTime', '28'],
      ['April 31', { recordedDate: '2021-04-31' }, 'Condition.recordedDate', 'April 2021 has 30 days'],
      ['month 13', { onsetDateTime: '2021-13-01' }, 'Condition.onsetDateTime', 'month 13 does not exist'],
      ['month 00', { onsetDateTime: '2021-00' }, 'Condition.onsetDateTime', 'month 00 does not exist'],
      ['hour 25', { onsetDateTime: '2021-02-03T25:00:00Z' }, 'Condition.onsetDateTime', 'hour 25 does not exist'],
      ['minute 61', { onsetDateTime: '2021-02-03T10:61:00Z' }, 'Condition.onsetDateTime', 'minute 61'],
      ['zone +15:00', { onsetDateTime: '2021-02-03T10:00:00+15:00' }, 'Condition.onsetDateTime', 'offset +15:00'],
      ['a period start', { onsetPeriod: { start: '2021-06-31' } }, 'Condition.onsetPeriod.start', 'June 2021'],
      [
        'a date inside an extension',
        { extension: [{ url: 'http://example.org/fhir/seen', valueDate: '2023-02-29' }] },
        'Condition.extension[0].valueDate',
        'is not a real date',
      ],
      [
        'an instant in meta',
        { meta: { lastUpdated: '2023-11-31T10:00:00Z' } },
        'Condition.meta.lastUpdated',
        'is not a real instant',
      ],
    ];
    for (const [what, extra, path, fragment] of impossible) {
      it(`refuses ${what}, naming the element and how to fix it`, function () {
        const resource = condition(extra);
        // The example's own onsetDateTime would make a second onset[x] (refused separately, below).
        if (!('onsetDateTime' in extra)) delete resource.onsetDateTime;
        const issue = refusal(resource).find((i) => i.path === path);
        expect(issue, JSON.stringify(fhirIssuesOf(resource))).to.not.equal(undefined);
        expect(issue?.message).to.include(fragment).and.to.include('Send');
      });
    }

    it('refuses two types of one choice element, so the second cannot escape the date checks', function () {
      const resource = condition({ onsetPeriod: { start: '2021-06-31' } });
      const issues = refusal(resource);
      expect(issues.map((i) => i.path)).to.include('Condition.onset[x]');
      expect(issues.find((i) => i.path === 'Condition.onset[x]')?.message).to.include('onsetDateTime and onsetPeriod');
      const extension = condition({
        extension: [{ url: 'http://example.org/fhir/seen', valueString: 'x', valueDate: '2023-02-30' }],
      });
      expect(refusal(extension).map((i) => i.path)).to.include('Condition.extension[0].value[x]');
    });

    it('refuses a date of the wrong precision for its type', function () {
      const issue = refusal(condition({ abatementDateTime: '2021-02-03T10:00' })).find(
        (i) => i.path === 'Condition.abatementDateTime',
      );
      expect(issue?.message).to.include('is not a FHIR dateTime');
    });

    for (const [what, extra] of [
      ['February 29 of a leap year', { onsetDateTime: '2024-02-29' }],
      ['February 29 of 2000 (a leap year)', { onsetDateTime: '2000-02-29T23:59:59.123+14:00' }],
      ['April 30 with a time and zone', { onsetDateTime: '2021-04-30T00:00:00-05:30' }],
      ['a year and month only', { onsetDateTime: '2021-02' }],
      ['a leap second', { onsetDateTime: '2016-12-31T23:59:60Z' }],
      ['a real period', { onsetPeriod: { start: '2021-01-31', end: '2021-12-31' } }],
      ['a real extension date', { extension: [{ url: 'http://example.org/fhir/seen', valueDate: '2024-02-29' }] }],
    ] as const) {
      it(`accepts ${what}`, function () {
        const resource = condition(extra);
        if (!('onsetDateTime' in extra)) delete resource.onsetDateTime;
        expectAccepted(resource);
      });
    }
  });

  describe('narrative (text.div)', function () {
    const unsafe: [string, string, string][] = [
      ['a <script> element', `<div ${XHTML}><p>x</p><script>alert(1)</script></div>`, '<script> is not allowed'],
      ['an event-handler attribute', `<div ${XHTML}><p onclick="steal()">x</p></div>`, 'attribute onclick'],
      ['an upper-case event handler', `<div ${XHTML}><img onError="x()" src="#a"/></div>`, 'attribute onError'],
      ['a javascript: link', `<div ${XHTML}><a href="javascript:alert(1)">x</a></div>`, '"javascript:"'],
      ['a javascript: link hidden by a tab', `<div ${XHTML}><a href="java&#9;script:x()">x</a></div>`, 'not allowed'],
      ['an <iframe>', `<div ${XHTML}><iframe src="https://evil.example"/></div>`, '<iframe> is not allowed'],
      ['an <object>', `<div ${XHTML}><object data="x.swf"/></div>`, '<object> is not allowed'],
      ['an <embed>', `<div ${XHTML}><embed src="x.swf"/></div>`, '<embed> is not allowed'],
      ['a <style> element', `<div ${XHTML}><style>p{color:red}</style></div>`, '<style> is not allowed'],
      ['a <form>', `<div ${XHTML}><form action="https://evil.example"><p>x</p></form></div>`, '<form> is not'],
      [
        'an element outside the XHTML namespace',
        `<div ${XHTML}><svg xmlns="http://www.w3.org/2000/svg"/></div>`,
        'namespace',
      ],
      ['a missing XHTML namespace', '<div><p>x</p></div>', 'XHTML namespace'],
      ['a root that is not a div', `<p ${XHTML}>x</p>`, 'single <div>'],
      ['a comment (read differently by HTML parsers)', `<div ${XHTML}><!--><img src="#a"/>--></div>`, 'comment'],
      ['a CDATA section', `<div ${XHTML}><![CDATA[<img src=x onerror=alert(1)>]]></div>`, 'CDATA'],
      ['markup that is not well-formed', `<div ${XHTML}><p>x</div>`, 'not well-formed'],
      [
        'an external image (a tracking beacon)',
        `<div ${XHTML}><img src="https://t.example/p.gif"/></div>`,
        '<img src>',
      ],
      ['an SVG data image', `<div ${XHTML}><img src="data:image/svg+xml;base64,PHN2Zz4="/></div>`, '<img src>'],
      ['a style that loads a URL', `<div ${XHTML}><p style="background:url(https://t.example/x)">x</p></div>`, 'style'],
      ['a style with an expression', `<div ${XHTML}><p style="width:expression(alert(1))">x</p></div>`, 'style'],
      ['an entity declared in a DOCTYPE', `<!DOCTYPE div [<!ENTITY x "y">]><div ${XHTML}>&x;</div>`, 'DOCTYPE'],
    ];
    for (const [what, div, fragment] of unsafe) {
      it(`refuses ${what}`, function () {
        const issues = refusal(withNarrative(div)).filter((i) => i.path === 'Condition.text.div');
        expect(issues, JSON.stringify(fhirIssuesOf(withNarrative(div)))).to.not.have.length(0);
        expect(issues.map((i) => i.message).join(' | ')).to.include(fragment);
      });
    }

    it('checks the narrative of contained resources too', function () {
      const resource = condition({
        contained: [
          {
            resourceType: 'Practitioner',
            id: 'pr1',
            text: { status: 'generated', div: `<div ${XHTML}><script>x()</script></div>` },
          },
        ],
      });
      expect(refusal(resource).map((i) => i.path)).to.include('Condition.contained[0].text.div');
    });

    it('accepts basic XHTML formatting: paragraphs, tables, lists, links, styles and inline images', function () {
      expectAccepted(
        withNarrative(
          `<div ${XHTML} xml:lang="en"><h1>Diabetes</h1><p class="x" style="color: red; font-weight: bold">` +
            'Type 2 <b>diabetes</b> &amp; <i>follow-up</i> <a href="https://www.who.int/diabetes">WHO</a> ' +
            '<a href="#note">note</a></p><table><thead><tr><th>HbA1c</th></tr></thead><tbody><tr><td colspan="1">' +
            '7.1%</td></tr></tbody></table><ul><li>one</li></ul>' +
            '<img src="data:image/png;base64,iVBORw0KGgo=" alt="chart"/><img src="#img1" alt="contained"/></div>',
        ),
      );
    });
  });

  describe('resource ids', function () {
    for (const id of ['../../x', 'a/b', 'x'.repeat(65), 'has space', 'café', '']) {
      it(`refuses the id ${JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id)}`, function () {
        const issue = refusal(condition({ id })).find((i) => i.path === 'Condition.id');
        expect(issue?.message).to.include('must be a FHIR id');
      });
    }

    it('refuses a path-like id on a contained resource', function () {
      const resource = condition({ contained: [{ resourceType: 'Practitioner', id: '../p' }] });
      expect(refusal(resource).map((i) => i.path)).to.include('Condition.contained[0].id');
    });

    for (const id of ['cond-1', 'A.b-9', 'x'.repeat(64)]) {
      it(`accepts the id ${id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id}`, function () {
        expectAccepted(condition({ id }));
      });
    }
  });
});

import { useEffect, useId, useState, type FormEvent } from 'react';
import type { StationError } from '@interview-station/contracts';
import { CONSENT_LABEL, CONSENT_NOTICE, CONSENT_NOTICE_VERSION } from './interview/consentNotice';
import type { CheckIn as CheckInValue } from './interview/interviewMachine';
import type { InterviewPorts, InterviewTemplateOption } from './interview/ports';

type Templates = { status: 'loading' } | { status: 'ready'; list: readonly InterviewTemplateOption[] } | { status: 'failed'; error: StationError };

/** Candidate check-in: reference, interview template, and consent to the AI notice. */
export function CheckIn({ ports, onContinue, onBack }: { ports: InterviewPorts; onContinue(checkIn: CheckInValue): void; onBack(): void }) {
  const [templates, setTemplates] = useState<Templates>({ status: 'loading' });
  const [candidateRef, setCandidateRef] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [agreed, setAgreed] = useState(false);
  const noticeId = useId();
  const refId = useId();
  const templateFieldId = useId();

  useEffect(() => {
    let live = true;
    void ports.listTemplates().then((result) => live && setTemplates(result.ok ? { status: 'ready', list: result.value } : { status: 'failed', error: result.error }));
    return () => {
      live = false;
    };
  }, [ports]);

  const list = templates.status === 'ready' ? templates.list : [];
  const chosen = list.find((t) => t.id === templateId) ?? (list.length === 1 ? list[0] : undefined);
  const valid = candidateRef.trim() !== '' && chosen !== undefined && agreed;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid || !chosen) return;
    onContinue({
      candidateRef: candidateRef.trim(),
      templateId: chosen.id,
      templateName: chosen.name,
      ...(chosen.companyId ? { companyId: chosen.companyId } : {}),
      consent: { noticeVersion: CONSENT_NOTICE_VERSION, acceptedAt: new Date().toISOString() },
    });
  };

  return (
    <form className="screen check-in" aria-label="Candidate check-in" onSubmit={submit}>
      <h2>Candidate check-in</h2>
      <div className="field">
        <label htmlFor={refId}>Candidate reference</label>
        <input id={refId} value={candidateRef} onChange={(e) => setCandidateRef(e.target.value)} maxLength={200} autoComplete="off" required autoFocus />
      </div>
      <div className="field">
        <label htmlFor={templateFieldId}>Interview</label>
        <select id={templateFieldId} value={chosen?.id ?? ''} onChange={(e) => setTemplateId(e.target.value)} required disabled={list.length === 0}>
          {list.length !== 1 && <option value="">{templates.status === 'loading' ? 'Loading interviews…' : 'Choose an interview'}</option>}
          {list.map((t) => (
            <option key={t.id} value={t.id}>
              {t.companyName ? `${t.name} — ${t.companyName}` : t.name} ({Math.round(t.maxDurationSeconds / 60)} min)
            </option>
          ))}
        </select>
      </div>
      {templates.status === 'failed' && <p role="alert">The interviews could not be loaded: {templates.error.message}</p>}
      <section className="notice" id={noticeId}>
        <h3>About this interview</h3>
        {CONSENT_NOTICE.map((paragraph) => (
          <p key={paragraph}>{paragraph}</p>
        ))}
        <p className="notice-version">Notice version {CONSENT_NOTICE_VERSION}</p>
      </section>
      <label className="consent">
        <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} aria-describedby={noticeId} />
        <span>{CONSENT_LABEL}</span>
      </label>
      <div className="actions">
        <button type="button" className="secondary" onClick={onBack}>
          Back
        </button>
        <button type="submit" disabled={!valid}>
          Continue
        </button>
      </div>
    </form>
  );
}

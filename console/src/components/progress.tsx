/** A long action in progress, announced to screen readers. */
export function Progress({ label }: { readonly label: string }): React.JSX.Element {
  return (
    <p role="status" className="progress">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

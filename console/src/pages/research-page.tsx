export function ResearchPage(): React.JSX.Element {
  return <h1>Trend analysis</h1>;
}

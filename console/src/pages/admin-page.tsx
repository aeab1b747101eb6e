export function AdminPage(): React.JSX.Element {
  return <h1>Organisation</h1>;
}

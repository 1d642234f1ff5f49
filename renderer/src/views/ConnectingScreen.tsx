import { Spinner } from '../components/Spinner.js';

/** Before the first word from Incus (or from the backend, when socketPath is still unknown). */
export function ConnectingScreen({ socketPath }: { socketPath: string | null }) {
  return (
    <section className="placeholder" role="status" data-testid="connecting-screen">
      <Spinner />
      {socketPath ? (
        <span>
          Connecting to Incus at <code>{socketPath}</code>…
        </span>
      ) : (
        <span>Connecting to the Enclave backend…</span>
      )}
    </section>
  );
}

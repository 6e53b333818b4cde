import type { Metadata } from 'next';
import { presenterMetadata, presenterStaticParams, renderPresenter } from '../presenter-route';

export const dynamicParams = false;
export const generateStaticParams = presenterStaticParams;

export function generateMetadata(props: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return presenterMetadata(props, 'notes');
}

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  return renderPresenter((await params).id, 'notes');
}
